"""Photo pipeline benchmark: upload-to-renditions time, and what a phone downloads.

    .venv/bin/python bench/images.py

1. Times a 24-megapixel camera JPEG (6000×4000) through the real upload path:
   ``inspect_image_upload`` (every check plus a full decode), then
   ``store_image`` (clean original, every rendition, the row).
2. Builds a home page (a lead story and twelve cards, photos from a pool of
   camera-sized images), renders it, and for a phone 390 CSS px wide at device
   pixel ratio 3 picks from each ``<picture>`` the WebP candidate a browser
   would (``sizes`` evaluated, then the smallest width covering the slot), and
   adds up the bytes, next to serving the stored originals instead.

Runs on the test settings (in-memory database, throwaway MEDIA_ROOT), prints a
table and a ``JSON {...}`` line for ``make bench``; ``run()`` returns the dict.
"""

import io
import json
import os
import re
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

PHONE_WIDTH_PX = 390
PHONE_DPR = 3
ROOT_EM_PX = 16
HOME_STORIES = 13
PHOTO_POOL = 5


def camera_like_jpeg(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG: gradients, shapes and sensor noise, so it compresses
    like a real camera file rather than a flat test card."""
    from PIL import Image, ImageDraw, ImageFilter

    sky = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge(
        "RGB",
        (
            sky,
            sky.rotate(180),
            sky.transpose(Image.Transpose.ROTATE_90).resize((width, height)),
        ),
    )
    draw = ImageDraw.Draw(picture)
    for index in range(40):
        x = (seed * 977 + index * 6151) % width
        y = (seed * 613 + index * 3089) % height
        size = 40 + (index * 37) % (width // 6)
        colour = (
            (index * 53 + seed * 19) % 255,
            (index * 97) % 255,
            (index * 31 + seed) % 255,
        )
        draw.ellipse([x, y, x + size, y + size * 2 // 3], fill=colour)
    noise = Image.effect_noise((width, height), 28).convert("RGB")
    picture = Image.blend(picture.filter(ImageFilter.GaussianBlur(2)), noise, 0.12)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def slot_css_px(sizes: str) -> float:
    """Evaluate a ``sizes`` attribute for the phone's viewport."""
    for entry in (part.strip() for part in sizes.split(",")):
        match = re.match(r"\(min-width:\s*([\d.]+)(em|rem|px)\)\s+(.+)", entry)
        if match:
            minimum = float(match[1]) * (1 if match[2] == "px" else ROOT_EM_PX)
            if PHONE_WIDTH_PX < minimum:
                continue
            entry = match[3]
        return length_px(entry)
    return PHONE_WIDTH_PX


def length_px(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(vw|px|rem|em)", value.strip()).groups()
    factor = {"vw": PHONE_WIDTH_PX / 100, "px": 1, "rem": ROOT_EM_PX, "em": ROOT_EM_PX}
    return float(number) * factor[unit]


def chosen_candidate(srcset: str, needed_px: float) -> str:
    candidates = sorted(
        (int(width), url)
        for url, width in re.findall(r"(\S+)\s+(\d+)w", unescape(srcset))
    )
    covering = [url for width, url in candidates if width >= needed_px]
    return covering[0] if covering else candidates[-1][1]


def time_camera_upload() -> dict:
    from articles.models import Image
    from articles.photos import images
    from articles.photos.validators import inspect_image_upload
    from tests.factories import upload

    data = camera_like_jpeg(6000, 4000, seed=1)
    started = time.perf_counter()
    decoded, facts = inspect_image_upload(upload(data, name="camera.jpg"))
    inspected = time.perf_counter()
    image = images.store_image(
        image=Image(title="Camera photo", alt_text="Bench", credit="Bench"),
        decoded=decoded,
        facts=facts,
        original_filename="camera.jpg",
    )
    stored = time.perf_counter()
    return {
        "megapixels": facts.width * facts.height / 1e6,
        "upload_bytes": len(data),
        "inspect_s": round(inspected - started, 3),
        "store_s": round(stored - inspected, 3),
        "total_s": round(stored - started, 3),
        "rendition_files": 2 * len(image.renditions),
    }


def home_page_bytes() -> dict:
    from django.core.files.storage import default_storage
    from django.test import Client

    from tests.factories import make_article, make_image, make_section

    pool = [
        make_image(
            data=camera_like_jpeg(3000 + 200 * index, 2000, seed=index),
            name=f"pool-{index}.jpg",
        )
        for index in range(PHOTO_POOL)
    ]
    sections = [make_section(f"Desk {index}") for index in range(3)]
    for index in range(HOME_STORIES):
        make_article(section=sections[index % 3], lead_image=pool[index % PHOTO_POOL])
    html = Client().get("/").content.decode()
    media_url = default_storage.url("")
    picked, originals = {}, {}
    by_rendition = {
        entry["webp"]: image for image in pool for entry in image.renditions.values()
    }
    for source, sizes in re.findall(
        r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', html
    ):
        url = chosen_candidate(source, slot_css_px(unescape(sizes)) * PHONE_DPR)
        name = url.removeprefix(media_url)
        picked[name] = default_storage.size(name)
        original = by_rendition[name]
        originals[original.file.name] = original.file_size
    return {
        "pictures": html.count("<picture>"),
        "files_downloaded": len(picked),
        "rendition_bytes": sum(picked.values()),
        "original_bytes": sum(originals.values()),
    }


def run() -> dict:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        return {"upload_24mp": time_camera_upload(), "home_phone": home_page_bytes()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def print_table(result: dict) -> None:
    upload, home = result["upload_24mp"], result["home_phone"]
    print("Photo pipeline")
    print(
        f"  24 MP upload ({upload['upload_bytes'] / 1e6:.1f} MB): "
        f"checks + decode {upload['inspect_s']:.2f} s, store + "
        f"{upload['rendition_files']} renditions {upload['store_s']:.2f} s, "
        f"total {upload['total_s']:.2f} s"
    )
    saved = 1 - home["rendition_bytes"] / home["original_bytes"]
    print(
        f"  Home page on a {PHONE_WIDTH_PX} px phone at DPR {PHONE_DPR}: "
        f"{home['pictures']} pictures, {home['files_downloaded']} files, "
        f"{home['rendition_bytes'] / 1e3:.0f} kB of renditions vs "
        f"{home['original_bytes'] / 1e6:.1f} MB of originals ({saved:.0%} less)"
    )


def main() -> dict:
    result = run()
    print_table(result)
    print("JSON " + json.dumps(result))
    return result


if __name__ == "__main__":
    main()
