"""`process_upload`: from what an author sent to what may be stored (S21)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from flask import current_app, has_app_context
from flask_babel import gettext as _

from elearn.content.uploads import formats
from elearn.content.uploads.errors import UploadRefused, UploadTooLarge
from elearn.content.uploads.formats import IMAGE_TYPES, JPEG, PDF, PNG, SUFFIXES, WEBP
from elearn.content.uploads.images import Variant, check_header, decode, make_variants
from elearn.content.uploads.pdf import check_pdf
from elearn.core.text import fold

DEFAULT_MAX_MB = 10
DEFAULT_MAX_MEGAPIXELS = 50
#: Longest stem of a stored name (the hash and suffix come on top).
STEM_LENGTH = 60


@dataclass(frozen=True)
class Upload:
    """A checked upload, ready to store (`store_upload`)."""

    #: The stored name: the author's name as ASCII slug, a short hash, the suffix of the
    #: content's type ("anh-san-pham-3f2a9c1b.jpg"). The same bytes always get the same
    #: name, so two uploads of one file are one asset and two files never clash.
    name: str
    #: image/png, image/jpeg, image/webp or application/pdf: from the content.
    media_type: str
    #: "image" or "document".
    kind: str
    #: What is kept for download and written by the package export: a PDF as sent; an
    #: image as sent without its metadata (see formats.strip_metadata).
    original: bytes
    #: Upright size of an image (None for a document).
    width: int | None = None
    height: int | None = None
    #: The re-encoded sizes of an image, narrowest first (WebP then fallback per width).
    variants: tuple[Variant, ...] = field(default=())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.original).hexdigest()


def _setting(name: str, default: int) -> int:
    if has_app_context():
        return int(current_app.config.get(name) or default)
    return default


def max_upload_bytes() -> int:
    """The configured limit (ELEARN_UPLOAD_MAX_MB), in bytes."""
    return _setting("ELEARN_UPLOAD_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024


def max_image_pixels() -> int:
    """The configured limit (ELEARN_UPLOAD_MAX_MEGAPIXELS), in pixels."""
    return _setting("ELEARN_UPLOAD_MAX_MEGAPIXELS", DEFAULT_MAX_MEGAPIXELS) * 1_000_000


def _describe(media_type: str) -> str:
    return {
        PNG: _("a PNG image"),
        JPEG: _("a JPEG image"),
        WEBP: _("a WebP image"),
        PDF: _("a PDF document"),
    }[media_type]


def _base_name(filename: str) -> str:
    """The last part of a name from any system ("C:\\Ảnh\\a.jpg", "../x/a.jpg" -> "a.jpg")."""
    return PureWindowsPath(PurePosixPath(filename.replace("\x00", "")).name).name


def slug_stem(filename: str, fallback: str) -> str:
    """An ASCII slug from a name's stem: "Ảnh Sản phẩm (1).JPG" -> "anh-san-pham-1"."""
    stem = PurePosixPath(_base_name(filename)).stem
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:STEM_LENGTH].strip("-")
    return slug or fallback


def safe_name(filename: str, media_type: str, digest: str) -> str:
    """The stored name: no path parts, ASCII only, the suffix of the content's type."""
    fallback = "image" if media_type in IMAGE_TYPES else "document"
    return f"{slug_stem(filename, fallback)}-{digest[:8]}{SUFFIXES[media_type]}"


def identify(filename: str, data: bytes, max_bytes: int | None = None) -> str:
    """The media type of an accepted kind of file, from its content; refuses empty,
    oversized, scriptable (SVG, HTML) and unknown files and names that say otherwise."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    if not data:
        raise UploadRefused(_("The file is empty."))
    if len(data) > limit:
        raise UploadTooLarge(_("The file is larger than %(size)s MB.", size=f"{limit / 2**20:.0f}"))
    suffix = PurePosixPath(_base_name(filename)).suffix.lower()
    media_type = formats.sniff(data)
    if suffix in formats.SCRIPTABLE_SUFFIXES or (
        media_type is None and formats.looks_like_markup(data)
    ):
        raise UploadRefused(
            _(
                "SVG and HTML files can carry scripts and are not accepted. Save the picture "
                "as PNG or JPEG, or the document as PDF."
            )
        )
    if media_type is None:
        raise UploadRefused(
            _("This kind of file is not accepted. Upload a PNG, JPEG or WebP image or a PDF.")
        )
    expected = formats.NAME_SUFFIXES.get(suffix)
    if suffix and expected != media_type:
        raise UploadRefused(
            _(
                "The name ends in “%(suffix)s” but the file is %(kind)s. Upload it with the "
                "right name, or save it again in the format its name says.",
                suffix=suffix,
                kind=_describe(media_type),
            )
        )
    return media_type


def check_content(filename: str, data: bytes, max_bytes: int | None = None) -> str:
    """Every check of `process_upload` short of decoding an image's pixels (for assets of
    a course package, which are stored as they are); returns the media type."""
    media_type = identify(filename, data, max_bytes)
    if media_type == PDF:
        check_pdf(data)
    else:
        formats.scan(media_type, data)
        check_header(data, media_type, max_image_pixels())
    return media_type


def process_upload(
    filename: str, data: bytes, max_bytes: int | None = None, max_pixels: int | None = None
) -> Upload:
    """Check an uploaded file by its content and prepare it for storage.

    `filename` is only a hint for the stored name and must agree with the content;
    `max_bytes` defaults to ELEARN_UPLOAD_MAX_MB, `max_pixels` to
    ELEARN_UPLOAD_MAX_MEGAPIXELS. Raises UploadTooLarge (413) or UploadRefused (400),
    whose `message` says what to do. Stores nothing.
    """
    media_type = identify(filename, data, max_bytes)
    if media_type == PDF:
        check_pdf(data)
        digest = hashlib.sha256(data).hexdigest()
        return Upload(safe_name(filename, PDF, digest), PDF, "document", data)
    formats.scan(media_type, data)
    decoded = decode(data, media_type, max_pixels or max_image_pixels())
    original = formats.strip_metadata(media_type, data, decoded.orientation)
    digest = hashlib.sha256(original).hexdigest()
    return Upload(
        name=safe_name(filename, media_type, digest),
        media_type=media_type,
        kind="image",
        original=original,
        width=decoded.width,
        height=decoded.height,
        variants=tuple(make_variants(decoded)),
    )
