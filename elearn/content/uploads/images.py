"""Images decoded with Pillow, within limits, and re-encoded for slow links.

Only the decoder of the type the bytes start as is used (`Image.open(formats=…)`), the
pixel count is checked from the header before anything is decoded (a 100×100 kB PNG can
declare a 50 000 × 50 000 canvas), and Pillow's own bomb warning is an error here. Each
variant is a new encoding of the pixels: no EXIF, XMP or comment is carried over; the
colour profile is (it is not about the person, and without it a phone's wide-gamut photo
looks dull).

Widths: 320, 640 and 1280 pixels, never wider than the picture (a narrower picture gets
one variant at its own width). Each width is written as WebP and as a fallback for
browsers without WebP: JPEG, or PNG when the picture has transparent pixels (flattening
onto white would show a white box on any other background; WebP, which nearly every
browser gets, keeps the transparency small).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps

from elearn.content.uploads.errors import UploadRefused
from elearn.content.uploads.formats import JPEG, PNG, WEBP, refuse_damaged

WIDTHS = (320, 640, 1280)
WEBP_QUALITY = 78
JPEG_QUALITY = 80
_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}


@dataclass(frozen=True)
class Variant:
    """One re-encoded size of an image."""

    width: int
    height: int
    media_type: str
    data: bytes


@dataclass
class Decoded:
    """A checked image: its pixels upright, and what the header said."""

    image: Image.Image
    #: The EXIF orientation the file had (1 = upright).
    orientation: int
    #: Upright size of the full picture (the pixels may be a reduced decode of a JPEG).
    width: int
    height: int
    icc_profile: bytes | None
    transparent: bool


def refuse_too_many_pixels(pixels: int | None, limit: int) -> UploadRefused:
    if pixels is None:  # Pillow refused the header before telling the size
        return UploadRefused(
            _(
                "The image has too many pixels (at most %(limit)s megapixels). Make it "
                "smaller and upload it again.",
                limit=f"{limit / 1e6:.0f}",
            )
        )
    return UploadRefused(
        _(
            "The image has too many pixels (%(size)s megapixels, at most %(limit)s). Make it "
            "smaller and upload it again.",
            size=f"{pixels / 1e6:.0f}",
            limit=f"{limit / 1e6:.0f}",
        )
    )


def _open(data: bytes, media_type: str, max_pixels: int) -> Image.Image:
    """The image opened (header only), its pixel count within the limit."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[media_type]])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise refuse_too_many_pixels(None, max_pixels) from None
        except Exception:  # noqa: BLE001 - any decoder error means the same to the author
            raise refuse_damaged() from None
    width, height = image.size
    if width * height > max_pixels:
        raise refuse_too_many_pixels(width * height, max_pixels)
    if width < 1 or height < 1:
        raise refuse_damaged()
    if getattr(image, "n_frames", 1) > 1:
        raise UploadRefused(
            _("Animated images are not accepted: upload a still image (PNG, JPEG or WebP).")
        )
    return image


def check_header(data: bytes, media_type: str, max_pixels: int) -> None:
    """The cheap part of `decode`: the header read, the pixel count, the structure
    Pillow verifies without decoding (PNG's chunk checksums)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _open(data, media_type, max_pixels).verify()
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - malformed data, whatever Pillow says
        raise refuse_damaged() from None


def decode(data: bytes, media_type: str, max_pixels: int, largest: int = WIDTHS[-1]) -> Decoded:
    """Check and decode an image; a JPEG is decoded at the smallest scale that still gives
    `largest` pixels across (libjpeg scales by 1/2, 1/4, 1/8 while decoding: several times
    faster on a phone's photo)."""
    try:
        with warnings.catch_warnings():
            # Pillow's other warnings (a malformed EXIF block) do not make a picture unusable.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _open(data, media_type, max_pixels).verify()
            image = _open(data, media_type, max_pixels)
            orientation = image.getexif().get(0x0112, 1)
            orientation = orientation if orientation in range(1, 9) else 1
            width, height = image.size
            if orientation >= 5:  # turned a quarter: the upright width is the stored height
                width, height = height, width
            if media_type == JPEG and width > largest:
                scale = largest / width
                image.draft(
                    image.mode, (int(image.width * scale) + 1, int(image.height * scale) + 1)
                )
            image.load()
            icc_profile = image.info.get("icc_profile") or None
            if orientation != 1:
                image = ImageOps.exif_transpose(image)
            transparent = False
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                image = image.convert("RGBA")
                transparent = image.getchannel("A").getextrema()[0] < 255
            if not transparent:
                if image.mode.startswith("I"):  # 16-bit grey: keep the top 8 bits
                    image = image.point(lambda value: value / 256).convert("L")
                image = image.convert("RGB")
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - truncated or malformed data, whatever the decoder says
        raise refuse_damaged() from None
    image.info = {}
    return Decoded(image, orientation, width, height, icc_profile, transparent)


def variant_widths(width: int) -> list[int]:
    """The widths made for a picture `width` pixels wide: never upscaled."""
    return sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})


def make_variants(decoded: Decoded) -> list[Variant]:
    """WebP and the fallback (JPEG, or PNG when transparent) at each width."""
    image = decoded.image
    variants: list[Variant] = []
    extra = {"icc_profile": decoded.icc_profile} if decoded.icc_profile else {}
    for width in variant_widths(decoded.width):
        height = max(1, round(decoded.height * width / decoded.width))
        sized = (
            image
            if image.size == (width, height)
            else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        webp = io.BytesIO()
        sized.save(webp, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
        variants.append(Variant(width, height, WEBP, webp.getvalue()))
        fallback = io.BytesIO()
        if decoded.transparent:
            sized.save(fallback, "PNG", optimize=True, **extra)
            variants.append(Variant(width, height, PNG, fallback.getvalue()))
        else:
            sized.save(fallback, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True,
                       **extra)  # fmt: skip
            variants.append(Variant(width, height, JPEG, fallback.getvalue()))
    return variants
