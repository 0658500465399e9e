"""PDF documents: a cheap check, without a PDF library, that the file is only a PDF and
carries nothing active.

Refused: JavaScript (`/JS`, `/JavaScript`), actions that start programs (`/Launch`),
attached files (`/EmbeddedFile`, `/EmbeddedFiles`), Flash (`/RichMedia`) and scriptable
XFA forms (`/XFA`); a file that is also a ZIP archive or holds HTML (`<script`, `<html`…
anywhere); content after the last `%%EOF`. Names are compared after undoing `#xx`
escapes (`/Java#53cript`), and object streams (where PDF 1.5+ may keep those
dictionaries, compressed) are inflated and searched too. Other streams (page content,
images, fonts) are not searched for names: they cannot hold an action's dictionary, and
their compressed bytes would spell `/JS` by chance. An encrypted PDF whose object
streams cannot be read without its key is refused, since it cannot be checked. The
document is never rewritten: it is served only as a download.
"""

from __future__ import annotations

import re
import zlib

from flask_babel import gettext as _

from elearn.content.uploads.errors import UploadRefused
from elearn.content.uploads.formats import is_zip

ACTIVE_NAMES = {b"JS", b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles",
                b"RichMedia", b"XFA"}  # fmt: skip
#: At most this many bytes are inflated from object streams (a zip bomb stops here).
MAX_INFLATED = 64 * 1024 * 1024

#: HTML anywhere in the file, streams included: a PDF/HTML polyglot runs its script when
#: the file is served as a page. Only words long enough not to be spelt by compressed
#: bytes by chance (no "<svg": a PDF is never shown as SVG).
_MARKUP_RE = re.compile(
    rb"<\s*(?:script|html|body|iframe|!doctype|\?php)[\s/>]|javascript:", re.IGNORECASE
)
_NAME_RE = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_RE = re.compile(rb"stream(?:\r\n|\n|\r)")


def _refuse_damaged() -> UploadRefused:
    return UploadRefused(_("The PDF is incomplete or damaged. Open it and save it again."))


def _refuse_active() -> UploadRefused:
    return UploadRefused(
        _(
            "The PDF contains JavaScript, attached files or actions that start programs, "
            "which are not accepted. Save a plain copy (for example with “Print to PDF”)."
        )
    )


def _refuse_hidden() -> UploadRefused:
    return UploadRefused(
        _(
            "The file hides other content (a web page or an archive) besides the PDF. Save a "
            "plain copy (for example with “Print to PDF”)."
        )
    )


def _names(text: bytes) -> set[bytes]:
    return {
        _ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), n) for n in _NAME_RE.findall(text)
    }


def _parts(data: bytes) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
    """The PDF outside its streams, and (dictionary before, body) of each stream."""
    outside: list[bytes] = []
    streams: list[tuple[bytes, bytes]] = []
    pos = 0
    while True:
        match = _STREAM_RE.search(data, pos)
        if match is None:
            outside.append(data[pos:])
            return outside, streams
        end = data.find(b"endstream", match.end())
        if end == -1:
            raise _refuse_damaged()
        before = data[pos : match.start()]
        outside.append(before)
        streams.append((before[-2048:], data[match.end() : end]))
        pos = end + len(b"endstream")


def _inflate(body: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, budget + 1)
    except zlib.error:
        raise _refuse_damaged() from None
    if len(out) > budget:
        raise _refuse_damaged()
    return out


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, hides other content or carries active content."""
    if is_zip(data):
        raise _refuse_hidden()
    end = data.rfind(b"%%EOF")
    if end == -1:
        raise _refuse_damaged()
    if data[end + 5 :].strip(b"\x00\r\n\t\x0c ") or _MARKUP_RE.search(data):
        raise _refuse_hidden()
    outside, streams = _parts(data)
    texts = list(outside)
    budget = MAX_INFLATED
    encrypted = any(b"/Encrypt" in part for part in outside)
    for dictionary, body in streams:
        # The dictionary of the stream's object: from its "obj" keyword on.
        head = dictionary[dictionary.rfind(b"obj") :]
        if b"/ObjStm" not in head and b"/Type/ObjStm" not in head:
            continue
        if encrypted:
            raise UploadRefused(
                _(
                    "The PDF is encrypted, so it cannot be checked. Save a copy without a "
                    "password or restrictions."
                )
            )
        if b"/FlateDecode" not in head or b"/DecodeParms" in head:
            raise _refuse_damaged()
        inflated = _inflate(body.rstrip(b"\r\n"), budget)
        budget -= len(inflated)
        texts.append(inflated)
    for text in texts[len(outside) :]:
        if _MARKUP_RE.search(text):
            raise _refuse_hidden()
    for text in texts:
        if _names(text) & ACTIVE_NAMES:
            raise _refuse_active()
