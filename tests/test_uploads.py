"""Uploads (issue 9 §4, S21): files checked by their content, images re-encoded in sizes
for slow links without their metadata, PDFs without active content, and the /media
headers. Every file here is made in the test (Pillow, fpdf2 or by hand)."""

from __future__ import annotations

import hashlib
import io
import random
import re
import struct
import zipfile
import zlib

import pytest
from fpdf import FPDF
from PIL import ExifTags, Image, ImageDraw

from elearn.content import media, structure
from elearn.content.models import CourseRevision
from elearn.content.package import (
    LessonData,
    files_from_zip,
    read_files,
    render_lesson,
    write_files,
    write_zip,
)
from elearn.content.render import IMAGE_SIZES, sanitize_html
from elearn.content.revisions import import_package, package_of
from elearn.content.uploads import (
    UploadRefused,
    UploadTooLarge,
    asset_links,
    check_content,
    is_variant,
    process_upload,
    store_upload,
)
from elearn.content.uploads.formats import minimal_exif, refuse_damaged, refuse_hidden_content
from elearn.extensions import db
from tests.conftest import committed

pytestmark = pytest.mark.usefixtures("app_ctx")

GPS = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 50.0, 0.0)}


# --------------------------------------------------------------------------- makers


def photo(width: int, height: int, seed: int = 1) -> Image.Image:
    """Photo-like content (gradients, shapes, noise), not a flat colour."""
    rnd = random.Random(seed)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.linear_gradient("L").rotate(90).resize((width, height))
    blue = Image.frombytes("L", (width, height), rnd.randbytes(width * height))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, size = (
            rnd.randrange(width),
            rnd.randrange(height),
            rnd.randrange(2, max(3, width // 4)),
        )
        draw.ellipse((x, y, x + size, y + size), fill=tuple(rnd.randrange(256) for _ in "rgb"))
    return image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    return exif


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_chunk(data: bytes, kind: bytes, body: bytes) -> bytes:
    """A PNG with one more chunk right after IHDR."""
    head = 8 + 25
    return data[:head] + png_chunk(kind, body) + data[head:]


def pdf_document(text: str = "Tài liệu OCOP") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=text.encode("ascii", "replace").decode())
    return bytes(document.output())


def hand_pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A small PDF written by hand: objects 1.. in order, an xref table, a trailer."""
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return out


def stream(dictionary: bytes, body: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(body), body)


PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    stream(b"", b"BT /F1 12 Tf 20 100 Td (Xin chao) Tj ET"),
)


def catalog(extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R %s>>" % extra


def refused(filename: str, data: bytes, reason=None, **limits) -> UploadRefused:
    """The error process_upload refuses the file with (`reason()`'s, when given)."""
    with pytest.raises(UploadRefused) as caught:
        process_upload(filename, data, **limits)
    message = caught.value.message
    assert message and "%(" not in message
    if reason is not None:
        assert message == reason().message
    return caught.value


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """A 4000×3000 phone photo: EXIF orientation 6 (turned), a GPS position, an XMP
    packet and a comment naming the place."""
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'exif:GPSLatitude="21,1.5N" exif:GPSLongitude="105,50E"/></rdf:RDF></x:xmpmeta>'
    )
    return encode(
        photo(4000, 3000),
        "JPEG",
        quality=90,
        exif=exif_with_gps(orientation=6),
        xmp=xmp,
        comment=b"Nha rieng, xa Tan Lap",
    )


# --------------------------------------------------------------------------- accepted


def test_a_phone_photo_is_made_upright_in_three_widths_without_its_metadata(big_photo):
    upload = process_upload("Ảnh Sản phẩm (1).JPG", big_photo)
    assert upload.kind == "image" and upload.media_type == "image/jpeg"
    assert (upload.width, upload.height) == (3000, 4000)  # orientation 6 applied
    assert re.fullmatch(r"anh-san-pham-1-[0-9a-f]{8}\.jpg", upload.name)
    assert upload.name[-12:-4] == upload.sha256[:8]
    shapes = [(v.width, v.height, v.media_type) for v in upload.variants]
    assert shapes == [
        (320, 427, "image/webp"),
        (320, 427, "image/jpeg"),
        (640, 853, "image/webp"),
        (640, 853, "image/jpeg"),
        (1280, 1707, "image/webp"),
        (1280, 1707, "image/jpeg"),
    ]
    for variant in upload.variants:
        image = Image.open(io.BytesIO(variant.data))
        assert image.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[variant.media_type]
        assert image.size == (variant.width, variant.height)
        assert not image.getexif() and not {"exif", "xmp", "comment"} & set(image.info)
        assert b"GPS" not in variant.data and b"Tan Lap" not in variant.data
        # Re-encoded for slow links: far smaller than the 2.4 MB photo.
        assert len(variant.data) < len(big_photo) / 8
    webp = {v.width: len(v.data) for v in upload.variants if v.media_type == "image/webp"}
    jpeg = {v.width: len(v.data) for v in upload.variants if v.media_type == "image/jpeg"}
    assert all(webp[w] < jpeg[w] for w in webp)


def test_the_kept_original_loses_gps_and_comments_but_not_a_pixel(big_photo):
    upload = process_upload("photo.jpg", big_photo)
    original = Image.open(io.BytesIO(upload.original))
    assert dict(original.getexif()) == {0x0112: 6}  # orientation only: still stands up
    assert not original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "comment" not in original.info and "xmp" not in original.info
    for secret in (b"GPS", b"PhoneMaker", b"Tan Lap", b"xmpmeta"):
        assert secret not in upload.original
    assert len(upload.original) < len(big_photo)
    # The pixel data is the same bytes: the original is not re-encoded.
    assert (
        big_photo[big_photo.index(b"\xff\xdb") :]
        == upload.original[upload.original.index(b"\xff\xdb") :]
    )
    # Processing what was kept changes nothing more.
    assert process_upload("photo.jpg", upload.original).original == upload.original


def test_png_with_transparency_keeps_a_png_fallback():
    image = Image.new("RGBA", (900, 500), (0, 128, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 400, 400), fill=(200, 0, 0, 255))
    upload = process_upload("logo.png", encode(image, "PNG"))
    assert [(v.width, v.media_type) for v in upload.variants] == [
        (320, "image/webp"),
        (320, "image/png"),
        (640, "image/webp"),
        (640, "image/png"),
        (900, "image/webp"),
        (900, "image/png"),
    ]
    for variant in upload.variants:
        assert Image.open(io.BytesIO(variant.data)).mode == "RGBA"


def test_an_opaque_png_gets_a_jpeg_fallback_and_a_small_image_is_never_upscaled():
    upload = process_upload("so-do", encode(photo(200, 150).convert("RGBA"), "PNG"))
    assert upload.name.endswith(".png") and upload.name.startswith("so-do-")
    assert [(v.width, v.height, v.media_type) for v in upload.variants] == [
        (200, 150, "image/webp"),
        (200, 150, "image/jpeg"),
    ]


@pytest.mark.parametrize(
    ("mode", "fmt", "name"),
    [
        ("RGB", "WEBP", "anh.webp"),
        ("CMYK", "JPEG", "in-an.jpeg"),
        ("L", "PNG", "xam.png"),
        ("I;16", "PNG", "xam-16-bit.png"),
        ("P", "PNG", "bang-mau.png"),
    ],
)
def test_other_kinds_of_images_are_accepted(mode, fmt, name):
    image = photo(700, 400).convert(mode) if mode != "I;16" else Image.new("I;16", (700, 400))
    upload = process_upload(name, encode(image, fmt))
    assert [v.width for v in upload.variants] == [320, 320, 640, 640, 700, 700]
    for variant in upload.variants:
        assert Image.open(io.BytesIO(variant.data)).mode in ("RGB", "RGBA")


def test_png_and_webp_originals_lose_their_metadata():
    image = photo(300, 200)
    png = encode(image, "PNG", exif=exif_with_gps(orientation=3))
    png = png_with_chunk(png, b"tEXt", b"Comment\x00Nha rieng")
    kept = process_upload("a.png", png).original
    assert b"Nha rieng" not in kept and b"PhoneMaker" not in kept and b"tEXt" not in kept
    assert dict(Image.open(io.BytesIO(kept)).getexif()) == {0x0112: 3}
    webp = encode(image, "WEBP", exif=exif_with_gps(orientation=8), xmp=b"<x:xmpmeta/>")
    kept = process_upload("a.webp", webp).original
    assert b"PhoneMaker" not in kept and b"xmpmeta" not in kept
    assert dict(Image.open(io.BytesIO(kept)).getexif()) == {0x0112: 8}
    assert process_upload("a.webp", webp).height == 300  # orientation 8: turned


def test_a_pdf_is_kept_as_sent_with_a_safe_name():
    data = pdf_document()
    upload = process_upload("../../Tài liệu/Hướng dẫn đăng ký OCOP.PDF", data)
    assert upload.kind == "document" and upload.media_type == "application/pdf"
    assert upload.original == data and upload.variants == ()
    assert re.fullmatch(r"huong-dan-dang-ky-ocop-[0-9a-f]{8}\.pdf", upload.name)
    assert media.NAME_RE.match(upload.name)
    hand = hand_pdf(catalog(), *PAGES)
    assert process_upload("a.pdf", hand).original == hand


@pytest.mark.parametrize(
    ("filename", "stem"),
    [
        ("C:\\Users\\An\\Pictures\\Ảnh.jpg", "anh"),
        ("/etc/passwd.jpg", "passwd"),
        ("..\\..\\x.jpg", "x"),
        ("đường   dẫn\x00.jpg", "duong-dan"),
        ("!!!.jpg", "image"),
        ("", "image"),
        ("a" * 300 + ".jpg", "a" * 60),
    ],
)
def test_stored_names_are_ascii_slugs_without_path_parts(filename, stem):
    upload = process_upload(filename, encode(photo(40, 30), "JPEG"))
    assert re.fullmatch(rf"{stem}-[0-9a-f]{{8}}\.jpg", upload.name)
    assert media.NAME_RE.match(upload.name)


# --------------------------------------------------------------------------- refused


def test_empty_and_oversized_files_are_refused(app):
    assert refused("a.png", b"").status == 400
    data = encode(photo(600, 400), "PNG")
    too_large = refused("a.png", data, max_bytes=len(data) - 1)
    assert isinstance(too_large, UploadTooLarge) and too_large.status == 413
    assert process_upload("a.png", data, max_bytes=len(data)).kind == "image"
    app.config["ELEARN_UPLOAD_MAX_MB"] = 1
    try:
        refused("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2**20)
    finally:
        app.config["ELEARN_UPLOAD_MAX_MB"] = 10
    assert app.config["ELEARN_UPLOAD_MAX_MB"] == 10  # the default


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("trang.html", b"<!doctype html><script>alert(1)</script>"),
        ("anh.jpg", b"\xef\xbb\xbf  <html><body onload=alert(1)>"),
        ("anh", "<svg onload=alert(1)>".encode("utf-16")),
        ("logo.svg", None),  # a real PNG named .svg: the name alone is refused
        ("a.html", None),
    ],
)
def test_svg_and_html_are_refused_whatever_their_name(filename, data):
    refused(filename, data if data is not None else encode(photo(50, 50), "PNG"))


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"PK\x03\x04" + b"\x00" * 40,
        b"MZ\x90\x00",
        bytes(range(256)),
        b"RIFF\x10\x00\x00\x00WAVEfmt ",
    ],
)
def test_other_kinds_of_files_are_refused(data):
    refused("tep", data)


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [("anh.png", "JPEG"), ("anh.jpg", "PNG"), ("anh.webp", "PNG"), ("tai-lieu.pdf", "JPEG")],
)
def test_a_name_that_says_another_type_is_refused(filename, fmt):
    error = refused(filename, encode(photo(60, 40), fmt))
    assert filename[filename.rindex(".") :] in error.message


def test_a_pdf_named_as_an_image_is_refused():
    refused("anh.jpg", pdf_document())


def test_jpeg_with_html_after_its_end_is_refused():
    jpeg = encode(photo(300, 200), "JPEG")
    hidden = refuse_hidden_content
    refused("a.jpg", jpeg + b"<html><script>alert(document.cookie)</script></html>", hidden)
    refused("a.jpg", jpeg + b"\n\n  <SCRIPT src=//evil.example></SCRIPT>", hidden)
    refused("a.jpg", jpeg + b"javascript:alert(1)", hidden)


def test_images_that_are_also_zip_archives_or_pdfs_are_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("index.html", "<p>hi</p>")
    for fmt, name in (("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")):
        image = encode(photo(200, 100), fmt)
        refused(name, image + archive.getvalue(), refuse_hidden_content)
        refused(name, image + pdf_document(), refuse_hidden_content)


def test_markup_hidden_in_image_metadata_is_refused():
    hidden = refuse_hidden_content
    script = b"<script>alert(1)</script>"
    refused("a.jpg", encode(photo(200, 100), "JPEG", comment=script), hidden)
    png = encode(photo(200, 100), "PNG")
    refused("a.png", png_with_chunk(png, b"tEXt", b"Comment\x00<iframe src=x>"), hidden)
    refused("a.png", png_with_chunk(png, b"zzZz", b"<svg onload=alert(1)>"), hidden)
    xmp = b"<html><body>hi</body></html>"
    refused("a.webp", encode(photo(200, 100), "WEBP", xmp=xmp), hidden)


def test_a_phone_photo_with_a_depth_map_after_it_is_accepted_and_trimmed():
    jpeg = encode(photo(300, 200), "JPEG")
    depth = encode(photo(100, 60, seed=2).convert("L"), "JPEG")
    assert process_upload("a.jpg", jpeg + depth).original == jpeg


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_truncated_images_are_refused(fmt, name):
    data = encode(photo(400, 300), fmt)
    for cut in (len(data) // 3, len(data) // 2, len(data) - 3):
        refused(name, data[:cut], refuse_damaged)


def test_a_decompression_bomb_is_refused_before_decoding():
    # A 100 kB-ish file declaring 30 000 × 30 000 pixels (900 megapixels).
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 30000 * 3 * 2)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )
    assert refused("bomb.png", bomb).status == 400
    # Below Pillow's own bomb limit, the configured one decides.
    data = encode(photo(2000, 1000), "JPEG")
    refused("a.jpg", data, max_pixels=1_999_999)
    assert process_upload("a.jpg", data, max_pixels=2_000_000).width == 2000


def test_animated_images_are_refused():
    frames = [photo(100, 100, seed=s) for s in range(3)]
    for fmt, name in (("WEBP", "a.webp"), ("PNG", "a.png")):
        data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
        refused(name, data)


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>",
        b"/AcroForm << /XFA 9 0 R >>",
    ],
)
def test_pdfs_with_javascript_launch_actions_or_attachments_are_refused(extra):
    refused("a.pdf", hand_pdf(catalog(extra), *PAGES))


def test_javascript_hidden_in_a_compressed_object_stream_is_refused():
    hidden = b"5 0 << /S /JavaScript /JS (app.alert(1)) >>"
    objstm = stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(hidden))
    refused("a.pdf", hand_pdf(catalog(b"/OpenAction 5 0 R"), *PAGES, objstm))
    harmless = b"5 0 << /Type /Metadata >>"
    clean = stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(harmless))
    assert process_upload("a.pdf", hand_pdf(catalog(), *PAGES, clean)).kind == "document"
    encrypted = hand_pdf(catalog(), *PAGES, clean, trailer=b"/Encrypt 9 0 R ")
    refused("a.pdf", encrypted)


def test_pdf_polyglots_and_damaged_pdfs_are_refused():
    pdf = pdf_document()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "x")
    refused("a.pdf", pdf + archive.getvalue())
    refused("a.pdf", pdf + b"<html><script>alert(1)</script></html>")
    refused("a.pdf", hand_pdf(catalog(), *PAGES[:2], stream(b"", b"<html><body>")))
    refused("a.pdf", pdf[: len(pdf) // 2])
    refused("a.pdf", b"%PDF-1.4\n")


def test_bad_input_is_always_refused_never_an_error(big_photo):
    """Truncated, bit-flipped and spliced files: UploadRefused or accepted, nothing else."""
    rnd = random.Random(9)
    seeds = [
        encode(photo(120, 80), "JPEG", exif=exif_with_gps(6)),
        encode(photo(120, 80), "PNG"),
        encode(photo(120, 80), "WEBP"),
        hand_pdf(catalog(), *PAGES),
    ]
    names = ["a.jpg", "a.png", "a.webp", "a.pdf"]
    for seed, name in zip(seeds, names, strict=True):
        for _ in range(25):
            data = bytearray(seed)
            for _ in range(rnd.randrange(1, 6)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            if rnd.random() < 0.3:
                data = data[: rnd.randrange(1, len(data))]
            try:
                upload = process_upload(name, bytes(data))
            except UploadRefused:
                continue
            assert upload.original


def test_minimal_exif_is_read_back_as_just_the_orientation():
    image = Image.new("RGB", (20, 10))
    data = encode(image, "JPEG", exif=b"Exif\x00\x00" + minimal_exif(6))
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {0x0112: 6}


# --------------------------------------------------------------------------- packages


def package_files(asset_name: str, asset: bytes) -> dict[str, bytes]:
    manifest = (
        'slug = "khoa-anh"\ntitle = "Khóa ảnh"\nsummary = "Tóm tắt"\ntopic = "ocop-criteria"\n'
        'audience = "Mọi người"\nestimated_hours = 1.0\nversion = "1"\nlanguage = "vi"\n'
        'published = true\ntools = []\n\n[[sections]]\ntitle = "Phần 1"\n'
        'lessons = ["bai-mot"]\nquizzes = []\n'
    )
    lesson = f"---\ntitle: Bài một\nminutes: 5\n---\n\nẢnh: ![Sản phẩm](assets/{asset_name})\n"
    return {
        "course.toml": manifest.encode(),
        "lessons/bai-mot.md": lesson.encode(),
        f"assets/{asset_name}": asset,
    }


def test_a_package_asset_is_checked_like_an_upload():
    jpeg = encode(photo(300, 200), "JPEG")
    assert read_files(package_files("anh.jpg", jpeg)).assets["anh.jpg"] == jpeg
    for name, data in (
        ("anh.jpg", jpeg + b"<script>alert(1)</script>"),
        ("tai-lieu.pdf", hand_pdf(catalog(b"/OpenAction << /S /JavaScript /JS (x) >>"), *PAGES)),
    ):
        with pytest.raises(Exception) as caught:
            read_files(package_files(name, data))
        assert f"assets/{name}:1:" in str(caught.value)
    assert check_content("a.pdf", pdf_document()) == "application/pdf"


# --------------------------------------------------------------------------- stored and served


def test_stored_uploads_render_as_a_picture_and_are_served_safely(app, client, big_photo):
    upload = process_upload("Sản phẩm.jpg", big_photo)
    document = process_upload("Hướng dẫn.pdf", pdf_document())
    stored = committed(store_upload, upload)
    assert committed(store_upload, upload) == stored  # twice: the same asset
    pdf = committed(store_upload, document)
    assert stored.sha256 == hashlib.sha256(upload.original).hexdigest()
    assert media.storage().get(stored.sha256) == upload.original

    lesson = LessonData(
        slug="bai",
        title="Bài",
        minutes=3,
        required=True,
        video_url=None,
        video_minutes=None,
        source=(
            f"---\ntitle: Bài\nminutes: 3\n---\n\n![Sản phẩm *mới*](assets/{stored.name})\n\n"
            f"[Tải ảnh gốc](assets/{stored.name}) · [Hướng dẫn](assets/{pdf.name})\n"
        ),
    )
    urls, pictures = asset_links({stored.name: stored.sha256, pdf.name: pdf.sha256})
    html = render_lesson(lesson, urls, pictures)
    assert sanitize_html(html) == html
    match = re.search(r"<picture><source ([^>]*)><img ([^>]*)></picture>", html)
    assert match, html
    source, img = match.groups()
    assert 'type="image/webp"' in source and f'sizes="{IMAGE_SIZES}"' in source
    webp = re.findall(r"(/media/[0-9a-f]{64}/[^ ]+) (\d+)w", source)
    assert [int(w) for _u, w in webp] == [320, 640, 1280]
    assert all(u.endswith(".webp") for u, _w in webp)
    assert 'alt="Sản phẩm mới"' in img and 'loading="lazy"' in img
    assert 'width="1280" height="1707"' in img
    fallback = re.findall(r"(/media/[0-9a-f]{64}/[^ ]+\.jpg) (\d+)w", img)
    assert [int(w) for _u, w in fallback] == [320, 640, 1280]
    assert re.search(r'src="(/media/[0-9a-f]{64}/[^"]+-640\.jpg)"', img)
    # A link to the image downloads the original; the original is never an <img>.
    assert f'href="{stored.url}"' in html and f'src="{stored.url}"' not in html
    assert f'href="{pdf.url}"' in html

    original = client.get(stored.url)
    assert original.status_code == 200 and original.data == upload.original
    assert original.mimetype == "image/jpeg"
    assert original.headers["Content-Disposition"].startswith("attachment")
    for url, _width in webp[:1] + fallback[-1:]:
        assert is_variant(url.split("/")[2])
        variant = client.get(url)
        assert variant.status_code == 200
        assert variant.mimetype == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        assert variant.headers["Content-Disposition"].startswith("inline")
        assert variant.headers["X-Content-Type-Options"] == "nosniff"
        assert variant.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "sandbox" in variant.headers["Content-Security-Policy"]
        variant.close()
    attachment = client.get(pdf.url)
    assert attachment.mimetype == "application/pdf"
    assert attachment.headers["Content-Disposition"].startswith("attachment")
    assert attachment.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in attachment.headers["Cache-Control"]
    for response in (original, attachment):
        response.close()
    # The type served is the one checked, whatever the URL's name says.
    renamed = client.get(f"/media/{pdf.sha256}/trang.html")
    assert renamed.mimetype == "application/pdf"
    assert renamed.headers["Content-Disposition"].startswith("attachment")
    renamed.close()
    # The manifest is kept under a derived key: never served.
    manifest_key = media.derived_key("variants/v1", stored.sha256)
    assert media.storage().exists(manifest_key)
    assert client.get(f"/media/{manifest_key}/x.json").status_code == 404
    assert client.get("/media/" + "f" * 64 + "/x.jpg").status_code == 404


def test_an_uploaded_image_in_a_course_is_shown_in_sizes_and_exported_as_kept(app, big_photo):
    """Upload -> course -> lesson page shows the sizes -> export holds the kept original,
    and reading the export and writing it again gives the same bytes."""
    upload = process_upload("Sản phẩm.jpg", big_photo)
    stored = committed(store_upload, upload)
    files = package_files(stored.name, upload.original)
    committed(import_package, read_files(files), publish_now=True)
    course = structure.published("khoa-anh")
    html = structure.lesson_html(course.lesson_by_slug["bai-mot"].version_id)
    assert "<picture>" in html
    for url, width in stored.picture.webp + stored.picture.fallback:
        assert f"{url} {width}w" in html
    revision = db.session.get(CourseRevision, course.revision_id)
    exported = write_zip(write_files(package_of(revision)))
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        assert archive.read(f"assets/{stored.name}") == upload.original
    again = write_zip(write_files(read_files(files_from_zip(exported))))
    assert again == exported


def test_the_sanitiser_keeps_only_srcsets_the_app_writes():
    digest = "a" * 64
    good = f"/media/{digest}/x-320.webp 320w, /media/{digest}/x-640.webp 640w"
    html = sanitize_html(
        f'<picture><source type="image/webp" srcset="{good}" sizes="{IMAGE_SIZES}">'
        f'<img src="/x.jpg" srcset="{good}" loading="lazy" decoding="async" alt="a">'
        "</picture>"
    )
    assert html.count(f'srcset="{good}"') == 2 and f'sizes="{IMAGE_SIZES}"' in html
    for bad in (
        "javascript:alert(1) 1w",
        "data:image/svg+xml,<svg onload=alert(1)> 1w",
        "https://tracker.example/p.gif 1w",
        f"/media/{digest}/x.webp 320w, //evil.example/x 640w",
    ):
        cleaned = sanitize_html(f'<img src="/x.jpg" srcset="{bad}"><source srcset="{bad}">')
        assert "srcset" not in cleaned, bad
    odd = sanitize_html(
        '<img src="/x.jpg" sizes="1px" loading="eager" decoding="sync">'
        '<source type="text/html" srcset="">'
    )
    assert not re.search(r"sizes|loading|decoding|type=", odd)
