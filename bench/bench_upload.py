#!/usr/bin/env python3
"""Benchmark: processing an uploaded 4000×3000 phone photo (elearn.content.uploads).

Makes a photo-like JPEG (gradients, thousands of shapes, blur and sensor-like noise:
not a flat colour, which would flatter every encoder; seeded, so the same bytes on every
run) with EXIF holding a GPS position, or reads --file, then runs `process_upload` on it
several times in this process and prints the wall and CPU time of each step (min /
median / max), and the size of the kept original and of every variant. Nothing is
stored; one core is used.

    .venv/bin/python bench/bench_upload.py [--reps 5] [--quality 90] [--file photo.jpg]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import ExifTags, Image, ImageDraw, ImageFilter  # noqa: E402

from elearn.content.uploads import formats, images, process_upload  # noqa: E402


def phone_photo(width: int = 4000, height: int = 3000, quality: int = 90) -> bytes:
    rnd = random.Random(4000)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.linear_gradient("L").rotate(90).resize((width, height))
    blue = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    # Large shapes (objects), then many small ones (texture, leaves, print on a package).
    for count, smallest, largest in ((300, 40, 700), (6000, 3, 60)):
        for _ in range(count):
            x, y = rnd.randrange(width), rnd.randrange(height)
            size = rnd.randrange(smallest, largest)
            colour = tuple(rnd.randrange(256) for _ in "rgb")
            shape = draw.ellipse if rnd.random() < 0.5 else draw.rectangle
            shape((x, y, x + size, y + size * rnd.uniform(0.3, 1.5)), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    # Sensor-like noise, seeded so that every run measures the same bytes.
    noise = Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))
    image = Image.blend(image, noise, 0.12)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (21.0, 1.0, 30.0), 3: "E"})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{min(ms):7.0f} {statistics.median(ms):7.0f} {max(ms):7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quality", type=int, default=90, help="of the generated photo")
    parser.add_argument("--file", type=Path, help="a JPEG to use instead of the generated one")
    args = parser.parse_args()

    data = args.file.read_bytes() if args.file else phone_photo(quality=args.quality)
    media_type = formats.sniff(data)
    size = Image.open(io.BytesIO(data)).size
    print(f"input: {size[0]}×{size[1]} {media_type}, {len(data) / 1e6:.2f} MB")
    print(f"Pillow {Image.__version__}; {args.reps} repetitions; times in ms: min median max")

    steps: dict[str, tuple[list[float], list[float]]] = {}

    def record(name: str, wall: float, cpu: float) -> None:
        walls, cpus = steps.setdefault(name, ([], []))
        walls.append(wall)
        cpus.append(cpu)

    limit = 50_000_000
    upload = None
    for _ in range(args.reps):
        _r, wall, cpu = timed(formats.scan, media_type, data)
        record("check the container", wall, cpu)
        decoded, wall, cpu = timed(images.decode, data, media_type, limit)
        record("decode (reduced scale), upright", wall, cpu)
        _r, wall, cpu = timed(formats.strip_metadata, media_type, data, decoded.orientation)
        record("strip the original's metadata", wall, cpu)
        _r, wall, cpu = timed(images.make_variants, decoded)
        record("resize and encode 6 variants", wall, cpu)
        upload, wall, cpu = timed(process_upload, "photo.jpg", data)
        record("process_upload (all of it)", wall, cpu)

    print(f"\n{'step':34} {'wall':>23}   {'CPU':>23}")
    for name, (walls, cpus) in steps.items():
        print(f"{name:34} {spread(walls)}   {spread(cpus)}")

    assert upload is not None
    print(f"\nkept original: {len(upload.original) / 1e3:9.1f} kB (metadata removed)")
    total = 0
    for variant in upload.variants:
        total += len(variant.data)
        print(
            f"{variant.width:5d}×{variant.height:<5d} {variant.media_type:11}"
            f" {len(variant.data) / 1e3:9.1f} kB"
        )
    print(f"all variants: {total / 1e3:9.1f} kB")


if __name__ == "__main__":
    main()
