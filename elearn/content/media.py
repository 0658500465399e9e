"""Images and attachments: what a package may hold, and where the bytes are kept.

Assets are stored once by the SHA-256 of their bytes behind `MediaStorage`, a small
interface with one implementation today (`LocalStorage`: a directory, by default
`instance/media`, set with ELEARN_MEDIA_DIR); an object store needs only the same five
methods. Besides assets it keeps small records derived from an asset (an image's list of
resized variants, elearn.content.uploads.variants) under a key that is the SHA-256 of a
label naming the asset (`derived_key`): found without a table, never served (/media
serves only digests with an Asset row). Lesson HTML links an asset as
`/media/<sha256>/<name>`: the URL never changes for the same bytes, so it is cached for a
year, and it does not depend on any Python package's static folder.

Several app servers must share the directory (or use an object store), as they share
the database.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

#: name suffix -> (media type, magic bytes the file must start with, shown inline?)
ALLOWED = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), True),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), True),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), True),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a"), True),
    ".webp": ("image/webp", (b"RIFF",), True),
    ".pdf": ("application/pdf", (b"%PDF-",), False),
}
MAX_ASSET_BYTES = 10 * 1024 * 1024
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,3}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def check(name: str, data: bytes) -> str | None:
    """Why an asset may not be stored, or None. Types are checked against the content."""
    if not NAME_RE.match(name):
        return "asset names are letters, digits, '.', '-' and '_' (up to 4 folders deep)"
    suffix = Path(name).suffix.lower()
    if suffix == ".svg":
        return "SVG files can carry scripts: convert the image to PNG"
    if suffix not in ALLOWED:
        return f"file type '{suffix or name}' is not accepted (png, jpg, gif, webp, pdf)"
    if len(data) > MAX_ASSET_BYTES:
        return f"file is larger than {MAX_ASSET_BYTES // 2**20} MB"
    media_type, magics, _inline = ALLOWED[suffix]
    if not any(data.startswith(m) for m in magics) or (suffix == ".webp" and data[8:12] != b"WEBP"):
        return f"the content is not a {media_type} file"
    return None


def media_type(name: str) -> str:
    return ALLOWED[Path(name).suffix.lower()][0]


def shown_inline(media_type_: str) -> bool:
    return any(t == media_type_ and inline for t, _m, inline in ALLOWED.values())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def derived_key(label: str, digest: str) -> str:
    """Where a record derived from the asset `digest` is kept (see `MediaStorage.put_at`)."""
    return hashlib.sha256(f"elearn:{label}:{digest}".encode()).hexdigest()


def asset_url(digest: str, name: str) -> str:
    """The stable URL of an asset (path only; the app serves it at /media/…)."""
    return f"/media/{digest}/{Path(name).name}"


class MediaStorage(Protocol):
    """Where asset bytes live, addressed by their SHA-256."""

    def put(self, data: bytes) -> str: ...

    def put_at(self, key: str, data: bytes) -> None: ...

    def get(self, digest: str) -> bytes | None: ...

    def exists(self, digest: str) -> bool: ...

    def path(self, digest: str) -> Path | None: ...


class LocalStorage:
    """A directory: <root>/ab/cdef… (written atomically, never overwritten)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, digest: str) -> Path:
        if not SHA256_RE.match(digest):
            raise ValueError("not a SHA-256 digest")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        self.put_at(digest, data)
        return digest

    def put_at(self, key: str, data: bytes) -> None:
        """Bytes under a key of their own (a derived record); the first write stays."""
        target = self._file(key)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)

    def get(self, digest: str) -> bytes | None:
        target = self._file(digest)
        return target.read_bytes() if target.exists() else None

    def exists(self, digest: str) -> bool:
        return self._file(digest).exists()

    def path(self, digest: str) -> Path | None:
        target = self._file(digest)
        return target if target.exists() else None


def storage() -> MediaStorage:
    """The app's media storage."""
    existing = current_app.extensions.get("elearn_media")
    if existing is None:
        root = current_app.config.get("ELEARN_MEDIA_DIR") or str(
            Path(current_app.instance_path) / "media"
        )
        existing = current_app.extensions["elearn_media"] = LocalStorage(Path(root))
    return existing
