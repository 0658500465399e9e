"""Uploads for the studio: images and PDF documents checked by their content (S21).

`process_upload(filename, data)` checks and prepares a file (stores nothing);
`store_upload(upload)` stores it through the media storage; a lesson that links the
stored name (assets/<name>) shows an image in several sizes (see `variants`).

- formats: what the bytes are; polyglots; an image's metadata removed without re-encoding
- pdf: a PDF's cheap check for JavaScript, launch actions, attached files
- images: Pillow decoding within limits, the resized WebP and JPEG/PNG variants
- process: `process_upload`, the stored name, the limits (ELEARN_UPLOAD_MAX_MB, …)
- variants: `store_upload`, an image's sizes for rendering, what /media shows inline
"""

from elearn.content.uploads.errors import UploadRefused, UploadTooLarge
from elearn.content.uploads.images import Variant
from elearn.content.uploads.process import (
    Upload,
    check_content,
    max_image_pixels,
    max_upload_bytes,
    process_upload,
)
from elearn.content.uploads.variants import (
    StoredUpload,
    asset_links,
    ensure_picture,
    is_variant,
    picture_of,
    store_upload,
)

__all__ = [
    "StoredUpload",
    "Upload",
    "UploadRefused",
    "UploadTooLarge",
    "Variant",
    "asset_links",
    "check_content",
    "ensure_picture",
    "is_variant",
    "max_image_pixels",
    "max_upload_bytes",
    "picture_of",
    "process_upload",
    "store_upload",
]
