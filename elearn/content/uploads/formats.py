"""What an upload's bytes are, whether something else hides in them, and the image with
its metadata removed, all read from the bytes themselves (never from the name).

PNG, JPEG and WebP are read chunk by chunk (segment by segment for JPEG), without
decoding pixels: the chunks that hold pixels are kept as they are, the metadata ones are
checked for markup and dropped, and whatever follows the image's end is checked and dropped.
So the original an author can download is the same picture, byte for byte in its pixel
data, without the EXIF (GPS position, camera serial), XMP, IPTC or comments it came with.
Only the orientation survives, as a minimal EXIF block, so the picture still stands up.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from flask_babel import gettext as _

from elearn.content.uploads.errors import UploadRefused

PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
PDF = "application/pdf"
IMAGE_TYPES = (PNG, JPEG, WEBP)
#: Media type -> the file suffix of a stored name.
SUFFIXES = {PNG: ".png", JPEG: ".jpg", WEBP: ".webp", PDF: ".pdf"}
#: A name's suffix -> the media type its content must have.
NAME_SUFFIXES = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG,
                 ".webp": WEBP, ".pdf": PDF}  # fmt: skip
#: Suffixes refused whatever the bytes say: they are run or rendered by browsers.
SCRIPTABLE_SUFFIXES = (".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml",
                       ".mht", ".mhtml", ".js", ".php")  # fmt: skip

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Markup a browser or an interpreter would act on. Searched only where no pixel data is
#: (metadata, after the image's end), and only for words long enough that compressed
#: bytes spelling one by chance are vanishingly rare (pdf.py has its own, for PDFs).
MARKUP_RE = re.compile(
    rb"<\s*(?:script|html|body|iframe|object|embed|svg|!doctype|\?php)[\s/>]|javascript:",
    re.IGNORECASE,
)
#: The starts of files that must not follow an image's end: archives, PDFs, programs.
FOREIGN_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"Rar!", b"7z\xbc\xaf", b"MZ")


def refuse_damaged() -> UploadRefused:
    return UploadRefused(
        _("The image is incomplete or damaged. Open it on your device and save it again.")
    )


def refuse_hidden_content() -> UploadRefused:
    return UploadRefused(
        _(
            "The file hides other content (a web page, a script or an archive) besides the "
            "image. Open it in an image editor and save it again."
        )
    )


def sniff(data: bytes) -> str | None:
    """The media type the bytes start as (PNG, JPEG, WebP or PDF), or None."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def looks_like_markup(data: bytes) -> bool:
    """SVG, HTML or XML: text that starts with '<' (after a byte-order mark and spaces)."""
    head = data[:1024]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :].replace(b"\x00", b"")
            break
    return head.lstrip().startswith(b"<") or bool(MARKUP_RE.search(head))


def is_zip(data: bytes) -> bool:
    """Whether a ZIP reader would open these bytes (it looks for the directory at the end)."""
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - whatever the reader trips on, it did not open it
        return False


def check_hidden(data: bytes, metadata: list[bytes], trailing: bytes) -> None:
    """Refuse a file that is also something else: one a ZIP or PDF reader would open,
    markup in its metadata or after its end, an archive or program right after its end.
    Other bytes after the end (a phone's depth map, a camera maker's trailer) are dropped
    with the metadata."""
    if is_zip(data) or b"%PDF-" in data[:1024]:
        raise refuse_hidden_content()
    if any(MARKUP_RE.search(chunk) for chunk in metadata):
        raise refuse_hidden_content()
    rest = trailing.lstrip(b"\x00\xff\r\n\t ")
    if rest.startswith(FOREIGN_STARTS) or MARKUP_RE.search(trailing):
        raise refuse_hidden_content()


def minimal_exif(orientation: int) -> bytes:
    """A TIFF-structured EXIF block holding only the orientation tag."""
    return (
        b"II*\x00"
        + struct.pack("<I", 8)
        + struct.pack("<H", 1)
        + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
        + struct.pack("<I", 0)
    )


def strip_metadata(media_type: str, data: bytes, orientation: int) -> bytes:
    """The image without its metadata (checked first: see `check_hidden`), keeping the
    orientation (1-8) as a minimal EXIF block when it is not the normal one."""
    orientation = orientation if orientation in range(2, 9) else 1
    if media_type == JPEG:
        return _strip_jpeg(data, orientation)
    if media_type == PNG:
        return _strip_png(data, orientation)
    if media_type == WEBP:
        return _strip_webp(data, orientation)
    raise ValueError(media_type)


def scan(media_type: str, data: bytes) -> None:
    """Check the container's structure and what hides in it; raises UploadRefused."""
    if media_type == JPEG:
        segments, end = _jpeg_segments(data)
        metadata = [data[s:e] for marker, s, e in segments if _jpeg_is_metadata(marker)]
    elif media_type == PNG:
        chunks, end = _png_chunks(data)
        metadata = [data[s:e] for kind, s, e in chunks if kind not in _PNG_PIXELS]
    elif media_type == WEBP:
        chunks, end = _webp_chunks(data)
        metadata = [data[s:e] for kind, s, e in chunks if kind not in _WEBP_PIXELS]
    else:
        raise ValueError(media_type)
    check_hidden(data, metadata, data[end:])


# --------------------------------------------------------------------------- JPEG

#: Markers with no length: TEM, RST0-7 (SOI and EOI are handled apart).
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_is_metadata(marker: int) -> bool:
    return 0xE0 <= marker <= 0xEF or marker == 0xFE


def _jpeg_segments(data: bytes) -> tuple[list[tuple[int, int, int]], int]:
    """(marker, start, end) of each segment after SOI (a scan's entropy-coded data
    included in its SOS segment), and the offset just after EOI."""
    segments: list[tuple[int, int, int]] = []
    size = len(data)
    pos = 2
    while True:
        if pos >= size or data[pos] != 0xFF:
            raise refuse_damaged()
        while pos + 1 < size and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= size:
            raise refuse_damaged()
        start = pos
        marker = data[pos + 1]
        pos += 2
        if marker == 0xD9:
            return segments, pos
        if marker == 0xD8 or marker == 0x00:
            raise refuse_damaged()
        if marker in _JPEG_STANDALONE:
            segments.append((marker, start, pos))
            continue
        if pos + 2 > size:
            raise refuse_damaged()
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > size:
            raise refuse_damaged()
        pos += length
        if marker == 0xDA:
            # Entropy-coded data runs to the next marker that is not a stuffed 0xFF00, a
            # restart marker or a fill byte.
            found = _JPEG_NEXT_MARKER.search(data, pos)
            if found is None:
                raise refuse_damaged()
            pos = found.start()
        segments.append((marker, start, pos))


def _jpeg_keeps(marker: int, payload: bytes) -> bool:
    """Which application segments the picture needs: JFIF, the colour profile, Adobe's
    colour transform flag (without it a CMYK JPEG shows inverted colours)."""
    if marker == 0xE0:
        return payload.startswith((b"JFIF\x00", b"JFXX\x00"))
    if marker == 0xE2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if marker == 0xEE:
        return payload.startswith(b"Adobe")
    return not _jpeg_is_metadata(marker)


def _strip_jpeg(data: bytes, orientation: int) -> bytes:
    segments, end = _jpeg_segments(data)
    out = [b"\xff\xd8"]
    exif = b""
    if orientation != 1:
        payload = b"Exif\x00\x00" + minimal_exif(orientation)
        exif = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    placed = not exif
    for marker, start, stop in segments:
        segment = data[start:stop]
        payload = segment[4:] if marker not in _JPEG_STANDALONE else b""
        if not _jpeg_keeps(marker, payload):
            continue
        if not placed and not (marker == 0xE0 and payload.startswith(b"JFIF\x00")):
            out.append(exif)  # after JFIF's APP0, which must come first
            placed = True
        out.append(segment)
    out.append(b"\xff\xd9")
    return b"".join(out)


# --------------------------------------------------------------------------- PNG

_PNG_PIXELS = {b"IDAT", b"fdAT"}
#: Chunks kept: the critical ones and those that change how the pixels look.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
             b"sBIT", b"pHYs", b"bKGD", b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL",
             b"fdAT"}  # fmt: skip


def _png_chunks(data: bytes) -> tuple[list[tuple[bytes, int, int]], int]:
    """(type, start, end) of each chunk, CRCs checked, and the offset just after IEND."""
    chunks: list[tuple[bytes, int, int]] = []
    pos = len(PNG_SIGNATURE)
    size = len(data)
    while True:
        if pos + 12 > size:
            raise refuse_damaged()
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > size or not kind.isalpha():
            raise refuse_damaged()
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[pos + 4 : end - 4]) != crc:
            raise refuse_damaged()
        if not chunks and kind != b"IHDR":
            raise refuse_damaged()
        chunks.append((kind, pos, end))
        pos = end
        if kind == b"IEND":
            return chunks, pos


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _strip_png(data: bytes, orientation: int) -> bytes:
    chunks, _end = _png_chunks(data)
    out = [PNG_SIGNATURE]
    exif = _png_chunk(b"eXIf", minimal_exif(orientation)) if orientation != 1 else b""
    for kind, start, stop in chunks:
        if kind not in _PNG_KEEP:
            continue
        if exif and kind in (b"IDAT", b"acTL", b"fcTL"):
            out.append(exif)  # eXIf must come before the image data
            exif = b""
        out.append(data[start:stop])
    return b"".join(out)


# --------------------------------------------------------------------------- WebP

_WEBP_PIXELS = {b"VP8 ", b"VP8L", b"ALPH", b"ANMF"}
_WEBP_KEEP = {b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"}
_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


def _webp_chunks(data: bytes) -> tuple[list[tuple[bytes, int, int]], int]:
    """(FourCC, start, end) of each chunk (padding included) and the RIFF's end."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    riff_end = 8 + riff_size
    if riff_end > len(data) or riff_size < 4:
        raise refuse_damaged()
    chunks: list[tuple[bytes, int, int]] = []
    pos = 12
    while pos < riff_end:
        if pos + 8 > riff_end:
            raise refuse_damaged()
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        end = pos + 8 + length + (length & 1)
        if end > riff_end:
            raise refuse_damaged()
        chunks.append((kind, pos, end))
        pos = end
    if not chunks:
        raise refuse_damaged()
    return chunks, riff_end


def _strip_webp(data: bytes, orientation: int) -> bytes:
    chunks, _end = _webp_chunks(data)
    body = [b"WEBP"]
    extended = chunks[0][0] == b"VP8X"
    for kind, start, stop in chunks:
        if kind not in _WEBP_KEEP:
            continue
        chunk = data[start:stop]
        if kind == b"VP8X":
            flags = chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP)
            if orientation != 1:
                flags |= _VP8X_EXIF
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        body.append(chunk)
    if extended and orientation != 1:
        exif = minimal_exif(orientation)
        body.append(b"EXIF" + struct.pack("<I", len(exif)) + exif + b"\x00" * (len(exif) & 1))
    payload = b"".join(body)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload
