"""Uploads for the studio: images and PDF documents checked by their content (S21).

`process_upload(filename, data)` checks and prepares a file (stores nothing).

- formats: what the bytes are; polyglots; an image's metadata removed without re-encoding
- pdf: a PDF's cheap check for JavaScript, launch actions, attached files
- images: Pillow decoding within limits, the resized WebP and JPEG/PNG variants
- process: `process_upload`, the stored name, the limits (ELEARN_UPLOAD_MAX_MB, …)
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

__all__ = [
    "Upload",
    "UploadRefused",
    "UploadTooLarge",
    "Variant",
    "check_content",
    "max_image_pixels",
    "max_upload_bytes",
    "process_upload",
]
