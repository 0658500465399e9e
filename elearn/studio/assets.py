"""Images and documents uploaded from the lesson editor into a course's draft.

An upload is checked by its content (elearn.content.uploads), stored once by its hash,
and named in the draft (RevisionAsset: path -> sha256); a lesson then links it as
assets/<name>. The stored name carries a short hash of the content, so a name already in
the draft always means the same file and a second upload of it changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.auth.models import User
from elearn.content.models import Course, RevisionAsset
from elearn.content.render import Picture
from elearn.content.uploads import (
    UploadTooLarge,
    asset_links,
    max_upload_bytes,
    process_upload,
    store_upload,
)
from elearn.core.db import insert_ignore
from elearn.extensions import db
from elearn.studio.drafts import ensure_draft


@dataclass(frozen=True)
class LessonAsset:
    """An uploaded file as the editor offers it: its name and the Markdown that shows it."""

    name: str
    kind: str  # "image" or "document"
    url: str
    #: An image's text for those who cannot see it: the uploaded file's name to start
    #: from (the author should say what the picture shows).
    alt: str = ""

    @property
    def markdown(self) -> str:
        """What the editor inserts: an image, or a link to download the document."""
        if self.kind == "image":
            return f"![{self.alt}]({_target(self.name)})"
        return f"[{self.name}]({_target(self.name)})"

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "url": self.url, "markdown": self.markdown}


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def _alt(filename: str) -> str:
    """The uploaded file's name without folders, suffix or Markdown brackets."""
    stem = PurePosixPath(PureWindowsPath(filename).name).stem
    return " ".join(re.sub(r"[\[\]\\]+", " ", stem).split())[:100]


def _target(name: str) -> str:
    return f"assets/{name}"


def upload_asset(course: Course, filename: str, data: bytes, user: User) -> LessonAsset:
    """Check, store and name an uploaded file in the course's draft (made if needed).
    Raises UploadTooLarge (413) or UploadRefused (400), storing nothing; flushes."""
    upload = process_upload(filename, data)
    draft = ensure_draft(course, user)
    stored = store_upload(upload)
    insert_ignore(
        RevisionAsset,
        {"revision_id": draft.id, "path": stored.name, "sha256": stored.sha256},
        ["revision_id", "path"],
    )
    db.session.flush()
    return LessonAsset(stored.name, upload.kind, stored.url, _alt(filename))


def revision_assets(revision_id: int) -> dict[str, str]:
    """The revision's assets: path -> sha256."""
    return dict(
        db.session.execute(
            select(RevisionAsset.path, RevisionAsset.sha256).where(
                RevisionAsset.revision_id == revision_id
            )
        ).all()
    )


def lesson_asset(revision_id: int, name: str) -> LessonAsset | None:
    """A file of the revision by its name (None when the revision has no such file)."""
    digest = revision_assets(revision_id).get(name)
    if digest is None:
        return None
    urls, _pictures = asset_links({name: digest})
    kind = "image" if name.lower().endswith(IMAGE_SUFFIXES) else "document"
    return LessonAsset(name, kind, urls[name])


def links_for(revision_id: int, names: set[str] | None = None) -> tuple[dict, dict[str, Picture]]:
    """The URLs and image sizes of the revision's assets (only `names`, when given), as
    render_lesson and lesson_version take them."""
    assets = revision_assets(revision_id)
    if names is not None:
        assets = {name: digest for name, digest in assets.items() if name in names}
    return asset_links(assets)


#: Room for the multipart envelope (boundaries, headers, the CSRF token) around the file.
MULTIPART_OVERHEAD = 64 * 1024


def upload_request_limit() -> int:
    """The most an upload request may carry: the file's limit and its envelope."""
    return max_upload_bytes() + MULTIPART_OVERHEAD


def too_large() -> UploadTooLarge:
    """The uploads' own refusal of a file over the limit (for a request cut off before
    the file could be read)."""
    limit = max_upload_bytes()
    return UploadTooLarge(_("The file is larger than %(size)s MB.", size=f"{limit / 2**20:.0f}"))
