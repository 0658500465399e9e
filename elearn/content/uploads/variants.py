"""Storing checked uploads, and an image's sizes when a lesson is rendered.

No new table: each variant is an asset like any other (bytes stored by hash, an Asset row
with its checked type), and the list of an image's variants is a small JSON manifest in
the media storage under `derived_key("variants/v1", <original's hash>)`. Each variant also
leaves a marker under `derived_key("variant", <its hash>)`: /media shows a file inline
only when it is a variant (re-encoded here), and sends everything else as a download.

Variants are deterministic (the same bytes and Pillow give the same variants), so an image
of a course package gets the same ones wherever it is imported; the manifest only saves
doing the work twice. Like the assets, the files are written when stored, not after the
commit: they are addressed by content, so a rolled-back unit leaves only unused files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from elearn.content import media
from elearn.content.models import Asset
from elearn.content.render import Picture
from elearn.content.uploads.errors import UploadRefused
from elearn.content.uploads.formats import IMAGE_TYPES, SUFFIXES, sniff
from elearn.content.uploads.images import Variant, decode, make_variants
from elearn.content.uploads.process import Upload, max_image_pixels
from elearn.core.db import insert_ignore

log = logging.getLogger(__name__)

#: Part of the manifest's key: a change to the widths or encoders makes new manifests.
MANIFEST_LABEL = "variants/v1"


@dataclass(frozen=True)
class StoredUpload:
    """What `store_upload` stored: the studio records `name` -> `sha256` in the draft
    revision (RevisionAsset) and the lesson Markdown links it as assets/<name>."""

    name: str
    sha256: str
    media_type: str
    #: The original's URL (served as a download).
    url: str
    #: An image's sizes, as a lesson shows them; None for a document.
    picture: Picture | None


def _store(data: bytes, media_type: str) -> str:
    digest = media.storage().put(data)
    insert_ignore(
        Asset, {"sha256": digest, "size": len(data), "media_type": media_type}, ["sha256"]
    )
    return digest


def _manifest(original: str, width: int, height: int, variants: list[Variant]) -> dict:
    store = media.storage()
    entries = []
    for variant in variants:
        digest = _store(variant.data, variant.media_type)
        store.put_at(media.derived_key("variant", digest), json.dumps({"of": original}).encode())
        entries.append(
            {
                "sha256": digest,
                "width": variant.width,
                "height": variant.height,
                "media_type": variant.media_type,
                "size": len(variant.data),
            }
        )
    manifest = {"original": original, "width": width, "height": height, "variants": entries}
    # Written last: a manifest means its variants are all there.
    store.put_at(
        media.derived_key(MANIFEST_LABEL, original),
        json.dumps(manifest, sort_keys=True).encode(),
    )
    return manifest


def _load_manifest(digest: str) -> dict | None:
    data = media.storage().get(media.derived_key(MANIFEST_LABEL, digest))
    return json.loads(data) if data is not None else None


def _picture(manifest: dict, name: str) -> Picture:
    stem = PurePosixPath(name).stem[:80] or "image"
    webp: list[tuple[str, int]] = []
    fallback: list[tuple[str, int]] = []
    for entry in manifest["variants"]:
        suffix = SUFFIXES[entry["media_type"]]
        url = media.asset_url(entry["sha256"], f"{stem}-{entry['width']}{suffix}")
        (webp if entry["media_type"] == "image/webp" else fallback).append((url, entry["width"]))
    widest = manifest["variants"][-1]
    return Picture(widest["width"], widest["height"], tuple(webp), tuple(fallback))


def store_upload(upload: Upload) -> StoredUpload:
    """Store a checked upload (its original and an image's variants, each with its Asset
    row) in the media storage; flushes, never commits. Storing the same upload twice
    changes nothing."""
    digest = _store(upload.original, upload.media_type)
    picture = None
    if upload.kind == "image":
        manifest = _load_manifest(digest)
        if manifest is None:
            manifest = _manifest(
                digest, upload.width or 0, upload.height or 0, list(upload.variants)
            )
        else:
            _ensure_rows(manifest)
        picture = _picture(manifest, upload.name)
    return StoredUpload(
        upload.name, digest, upload.media_type, media.asset_url(digest, upload.name), picture
    )


def _ensure_rows(manifest: dict) -> None:
    """The variants' Asset rows (the storage may have outlived a database)."""
    for entry in manifest["variants"]:
        insert_ignore(
            Asset,
            {"sha256": entry["sha256"], "size": entry["size"], "media_type": entry["media_type"]},
            ["sha256"],
        )


def picture_of(digest: str, name: str) -> Picture | None:
    """An image asset's sizes, if they were made (reads the manifest; writes nothing)."""
    manifest = _load_manifest(digest)
    return _picture(manifest, name) if manifest is not None else None


def ensure_picture(digest: str, data: bytes, name: str) -> Picture | None:
    """An image asset's sizes, made now if they were not (an image of a course package);
    None for a document, a GIF, or an image that cannot be decoded (logged: the lesson
    then shows the file itself). Flushes its Asset rows, never commits."""
    manifest = _load_manifest(digest)
    if manifest is None:
        media_type = sniff(data)
        if media_type not in IMAGE_TYPES:
            return None
        try:
            decoded = decode(data, media_type, max_image_pixels())
        except UploadRefused as exc:
            log.warning("No sizes for asset %s: %s", digest, exc.message)
            return None
        manifest = _manifest(digest, decoded.width, decoded.height, make_variants(decoded))
    else:
        _ensure_rows(manifest)
    return _picture(manifest, name)


def is_variant(digest: str) -> bool:
    """Whether the asset is an image variant made here (and so may be shown inline)."""
    return media.storage().exists(media.derived_key("variant", digest))


def asset_links(assets: Mapping[str, str]) -> tuple[dict[str, str], dict[str, Picture]]:
    """For rendering a lesson (the studio's preview): asset name -> digest in, the URLs of
    the originals and the sizes of the images out (`render_lesson`'s two mappings)."""
    urls = {name: media.asset_url(digest, name) for name, digest in assets.items()}
    pictures = {}
    for name, digest in assets.items():
        picture = picture_of(digest, name)
        if picture is not None:
            pictures[name] = picture
    return urls, pictures
