"""Why an upload was refused: domain errors the studio's views and the API turn into 400/413."""

from __future__ import annotations

from elearn.core.errors import ServiceError


class UploadRefused(ServiceError):
    """The file is not accepted; `message` is translated and says what to do instead."""

    status = 400
    code = "upload_refused"


class UploadTooLarge(UploadRefused):
    """The file is larger than the configured limit (a pixel bomb is refused with 400)."""

    status = 413
    code = "upload_too_large"
