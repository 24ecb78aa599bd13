"""The photo pipeline: safe uploads, privacy, renditions, the library and story photos.

Every hostile file is crafted here, in memory; every refusal is checked through
a real admin request and against the database and MEDIA_ROOT afterwards.
"""

import errno
import io
import re
import struct
import threading
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import EpsImagePlugin, ImageCms, ImageDraw, PngImagePlugin
from PIL import Image as PILImage

from articles.editorial import revisions, workflow
from articles.models import Article, Image, StoryImage
from articles.photos import images
from articles.photos.uploadhandlers import SizeLimitedUploadHandler
from articles.photos.validators import ACCEPTED_FORMATS, inspect_image_upload
from tests.factories import (
    image_bytes,
    make_article,
    make_image,
    make_user,
    place_photo,
    upload,
)
from tests.test_admin_workflow import story_form_data

pytestmark = pytest.mark.django_db

GALLERY, BODY = StoryImage.Kind.GALLERY, StoryImage.Kind.BODY
STORED_NAME = re.compile(r"^images/\d{4}/\d{2}/[0-9a-f]{24}\.(jpg|png|gif|webp|avif)$")


# --- Crafted files ------------------------------------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` (CRC fixed up)."""
    data = bytearray(image_bytes((8, 8), image_format="PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(image_bytes((16, 16)))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def gif_with_frames(screen, boxes) -> bytes:
    """A GIF's block structure: logical screen, then one image descriptor per box."""
    data = (
        b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    )
    for left, top, width, height in boxes:
        data += b"," + struct.pack("<HHHHB", left, top, width, height, 0)
        data += b"\x02\x02\x44\x01\x00"  # LZW code size, one sub-block, terminator
    return data + b";"


def png_with_text_chunk(*, itxt: bool) -> bytes:
    """A PNG whose compressed text chunk inflates to 2 MB (Pillow's cap is 1 MB)."""
    info = PngImagePlugin.PngInfo()
    if itxt:
        info.add_itxt("Comment", "A" * 2_000_000, zip=True)
    else:
        info.add_text("Comment", "A" * 2_000_000, zip=True)
    return image_bytes((8, 8), image_format="PNG", pnginfo=info)


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    b"newpath 0 0 moveto 10 10 lineto stroke\n%%EOF\n"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def jpeg_segments(data: bytes, *segments: bytes) -> bytes:
    """Insert raw marker segments right after the JPEG's start-of-image marker."""
    return data[:2] + b"".join(segments) + data[2:]


def comment_segment(text: bytes) -> bytes:
    return b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text


def iptc_segment(datasets: dict) -> bytes:
    """A Photoshop APP13 segment carrying IPTC datasets {(2, n): bytes}."""
    iptc = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value
        for key, value in datasets.items()
    )
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    payload = b"Photoshop 3.0\x00" + resource + b"\x00" * (len(iptc) % 2)
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


QUADRANTS = {
    "tl": (220, 30, 30),
    "tr": (30, 200, 30),
    "bl": (30, 30, 220),
    "br": (250, 250, 250),
}


def quadrant_picture(size=(400, 200)) -> PILImage.Image:
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, width // 2, height // 2], fill=QUADRANTS["tl"])
    draw.rectangle([width // 2, 0, width, height // 2], fill=QUADRANTS["tr"])
    draw.rectangle([0, height // 2, width // 2, height], fill=QUADRANTS["bl"])
    draw.rectangle([width // 2, height // 2, width, height], fill=QUADRANTS["br"])
    return picture


# Orientation → how the camera stored an upright picture (the inverse of what
# readers' software applies: 3 turns 180°, 6 turns 90° clockwise, 8 anticlockwise).
STORED_AS = {
    3: PILImage.Transpose.ROTATE_180,
    6: PILImage.Transpose.ROTATE_90,
    8: PILImage.Transpose.ROTATE_270,
}


def oriented_jpeg(orientation: int, **save_options) -> bytes:
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    raw = quadrant_picture().transpose(STORED_AS[orientation])
    buffer = io.BytesIO()
    raw.save(buffer, "JPEG", exif=exif, quality=95, **save_options)
    return buffer.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Reuters">'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Frigate at dawn</rdf:li></rdf:Alt>'
    '</dc:title><dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
    "The frigate &lt;script&gt;alert(1)&lt;/script&gt; leaves\u202e port.</rdf:li>"
    "</rdf:Alt></dc:description><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li>"
    '</rdf:Seq></dc:creator><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">'
    "© Reuters 2026</rdf:li></rdf:Alt></dc:rights><dc:subject><rdf:Bag>"
    "<rdf:li>frigate</rdf:li><rdf:li>navy, fleet</rdf:li><rdf:li>"
    + "x"
    * 150
    + "</rdf:li>"
    "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
)


def private_jpeg() -> bytes:
    """A camera photo that gives its photographer away: GPS, serial, XMP, comment."""
    exif = PILImage.Exif()
    exif[0x013B] = "Jane Doe"
    exif[0xA431] = "SERIAL-123456"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "E", 4: (0.0, 7.0, 39.0)}
    buffer = io.BytesIO()
    quadrant_picture((800, 450)).save(
        buffer,
        "JPEG",
        exif=exif,
        xmp=XMP,
        icc_profile=srgb_profile(),
        comment=b"<script>alert(1)</script>",
    )
    return buffer.getvalue()


# --- Helpers ------------------------------------------------------------------------


def post_image(client, file, **fields):
    data = {
        "title": "Frigate at anchor",
        "alt_text": "A frigate",
        "caption": "",
        "credit": "Navy",
        "licence": "",
        "source_url": "",
        "tags": "",
    }
    data.update(fields)
    data["file"] = file
    return client.post(reverse("admin:articles_image_add"), data)


def media_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


def open_stored(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def public_files(image: Image) -> list[str]:
    return images.stored_names(image)


def close(colour, expected, tolerance=40) -> bool:
    return all(
        abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True)
    )


def probe(picture: PILImage.Image, corner: str):
    width, height = picture.size
    x = width // 4 if corner[1] == "l" else 3 * width // 4
    y = height // 4 if corner[0] == "t" else 3 * height // 4
    return picture.convert("RGB").getpixel((x, y))


# --- 1. Refusals ----------------------------------------------------------------------


REFUSALS = {
    "zero bytes": (b"", "empty.jpg", "empty"),
    "PNG header declaring 100 000² pixels": (
        png_declaring(100_000, 100_000),
        "bomb.png",
        "megapixels",
    ),
    "JPEG header declaring 65 000² pixels": (
        jpeg_declaring(65_000, 65_000),
        "bomb.jpg",
        "megapixels",
    ),
    "GIF whose second frame grows the canvas": (
        gif_with_frames((10, 10), [(0, 0, 10, 10), (0, 0, 20_000, 20_000)]),
        "grows.gif",
        "megapixels",
    ),
    "GIF with 500 tiny frames": (
        gif_with_frames((10, 10), [(0, 0, 10, 10)] * 500),
        "frames.gif",
        "frames",
    ),
    "GIF with 40 full 2000×1000 frames": (
        gif_with_frames((2000, 1000), [(0, 0, 2000, 1000)] * 40),
        "long.gif",
        "all frames together",
    ),
    "PNG zTXt chunk inflating past the cap": (
        png_with_text_chunk(itxt=False),
        "text.png",
        "metadata larger",
    ),
    "PNG iTXt chunk inflating past the cap": (
        png_with_text_chunk(itxt=True),
        "itext.png",
        "metadata larger",
    ),
    "plain text renamed .jpg": (b"just some notes\n" * 20, "notes.jpg", "not a JPEG"),
    "HTML renamed .jpg": (
        b"<html><script>alert(1)</script></html>",
        "page.jpg",
        "not a JPEG",
    ),
    "EPS renamed .jpg": (EPS, "drawing.jpg", "not a JPEG"),
    "SVG with script": (SVG, "logo.svg", "not a JPEG"),
    "SVG with script renamed .png": (SVG, "logo.png", "not a JPEG"),
    "truncated JPEG": (image_bytes((800, 600))[:3000], "truncated.jpg", "damaged"),
    "PNG named .jpg": (
        image_bytes(image_format="PNG"),
        "really-a-png.jpg",
        "Rename it",
    ),
    "TIFF named .jpg": (image_bytes(image_format="TIFF"), "scan.jpg", "not a JPEG"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_hostile_and_broken_files_are_refused_with_a_message_and_leave_nothing(
    client, editor, isolated_media_root, case
):
    data, name, message = REFUSALS[case]
    client.force_login(editor)
    response = post_image(client, upload(data, name=name))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<script>alert" not in page
    assert not Image.objects.exists()
    assert not media_files(isolated_media_root)


def test_an_image_inside_pillows_warning_zone_is_refused(settings):
    """Between one and two times the cap Pillow only warns; the warning refuses."""
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 100_000
    with pytest.raises(ValidationError) as refused:
        inspect_image_upload(upload(png_declaring(400, 300), name="zone.png"))
    assert refused.value.code == "too_many_pixels"
    assert isinstance(refused.value.__cause__, PILImage.DecompressionBombWarning)
    assert "0 megapixels" not in refused.value.messages[0]


def test_a_24_megapixel_camera_photo_is_accepted():
    decoded, facts = inspect_image_upload(
        upload(image_bytes((6000, 4000)), "camera.jpg")
    )
    assert (facts.width, facts.height, facts.format) == (6000, 4000, "JPEG")


def test_eps_bytes_never_reach_ghostscript(monkeypatch, client, editor):
    """Only the allow-listed decoders are ever tried, whatever the file claims."""
    reached = []
    monkeypatch.setattr(
        EpsImagePlugin.EpsImageFile, "_open", lambda self: reached.append("EPS parser")
    )
    monkeypatch.setattr(
        EpsImagePlugin,
        "Ghostscript",
        lambda *args, **kwargs: reached.append("Ghostscript"),
    )
    client.force_login(editor)
    for name in ("drawing.jpg", "drawing.eps", "drawing.png"):
        assert post_image(client, upload(EPS, name=name)).status_code == 200
    assert reached == []
    assert "EPS" not in ACCEPTED_FORMATS
    assert set(ACCEPTED_FORMATS) <= {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}


def test_an_upload_over_the_byte_limit_is_refused_before_it_is_stored(
    client, editor, settings, tmp_path, isolated_media_root, monkeypatch
):
    """A valid JPEG padded with comment segments past the limit: the handler stops
    storing it at the limit, deletes its temporary file, and the form names the limit."""
    settings.NEWSROOM_IMAGE_MAX_UPLOAD_BYTES = 100_000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    stored_before_discard = []
    discard = SizeLimitedUploadHandler._discard

    def spy(handler):
        if hasattr(handler, "file"):
            stored_before_discard.append(handler.file.tell())
        discard(handler)

    monkeypatch.setattr(SizeLimitedUploadHandler, "_discard", spy)
    padded = jpeg_segments(image_bytes(), *[comment_segment(b"x" * 60_000)] * 4)
    client.force_login(editor)

    response = post_image(client, upload(padded, name="padded<b>.jpg"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "larger than the limit of 97.7\xa0KB" in page
    assert "padded<b>" not in page
    assert stored_before_discard and max(stored_before_discard) <= 100_000
    assert not Image.objects.exists()
    assert not media_files(isolated_media_root)
    assert not list((tmp_path / "uploads").iterdir())


HOSTILE_NAMES = {
    "traversal": "../../etc/passwd.jpg",
    "encoded traversal": "..%2F..%2Fsecret.jpg",
    "NUL": "pho\x00to.jpg",
    "CR/LF": "photo\r\nSet-Cookie: admin=1.jpg",
    "RTL override": "photo\u202egpj.exe.jpg",
    "leading dot": ".hidden.jpg",
    "reserved device": "CON.jpg",
    "300 bytes": "é" * 148 + ".jpg",
    "markup": '<img src=x onerror="alert(1)">.jpg',
    "bare extension": ".jpg",
}


@pytest.mark.parametrize("case", HOSTILE_NAMES, ids=list(HOSTILE_NAMES))
def test_hostile_file_names_never_reach_storage_paths(client, editor, case):
    client.force_login(editor)
    response = post_image(client, upload(image_bytes(), name=HOSTILE_NAMES[case]))
    assert not any(
        "\n" in value or "\r" in value for _header, value in response.items()
    )
    if response.status_code == 200:  # what the parser left of the name is refused
        assert "errorlist" in response.content.decode()
        assert not Image.objects.exists()
        return
    assert response.status_code == 302
    image = Image.objects.get()
    assert STORED_NAME.match(image.file.name)
    assert len(image.file.name) <= Image._meta.get_field("file").max_length
    assert not re.search("[\x00-\x1f\u202a-\u202e]", image.original_filename)
    assert len(image.original_filename) <= 255
    page = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assert "<img src=x" not in page.content.decode()
    assert not any("\n" in value or "\r" in value for _header, value in page.items())


def test_names_that_sanitise_to_nothing_get_a_form_error(client, editor):
    client.force_login(editor)
    response = post_image(client, upload(image_bytes(), name="\x01\x02"))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Image.objects.exists()


def test_names_differing_only_by_case_or_normalisation_never_overwrite(client, editor):
    client.force_login(editor)
    names = ["Photo.jpg", "photo.jpg", "caf\u00e9.jpg", "cafe\u0301.jpg"]
    for index, name in enumerate(names):
        data = image_bytes(color=(10 * index, 90, 140))
        assert (
            post_image(client, upload(data, name=name), title=name).status_code == 302
        )
    stored = set(Image.objects.values_list("file", flat=True))
    assert len(stored) == 4
    assert all(default_storage.exists(name) for name in stored)


# --- 2. Privacy, orientation, colour ------------------------------------------------


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_applied_once(client, editor, orientation):
    client.force_login(editor)
    assert post_image(client, upload(oriented_jpeg(orientation))).status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (400, 200)
    for name in [image.file.name, image.rendition("lead-640")["jpg"]]:
        picture = open_stored(name)
        assert picture.size == (400, 200)
        assert 0x0112 not in picture.getexif()
        for corner, colour in QUADRANTS.items():
            assert close(probe(picture, corner), colour), (name, corner)


def test_no_public_file_carries_gps_identifying_exif_xmp_or_comments(client, editor):
    client.force_login(editor)
    assert (
        post_image(client, upload(private_jpeg(), name="source.jpg")).status_code == 302
    )
    image = Image.objects.get()
    names = public_files(image)
    assert len(names) == 1 + 2 * len(images.SPECS)
    for name in names:
        picture = open_stored(name)
        exif = picture.getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825), name
        assert len(exif) == 0, name
        assert "xmp" not in picture.info and "comment" not in picture.info, name
        raw = stored_bytes(name)
        for marker in (
            b"Jane Doe",
            b"SERIAL-123456",
            b"http://ns.adobe.com/xap",
            b"<script>",
            b"Exif\x00\x00",
        ):
            assert marker not in raw, (name, marker)


def test_the_icc_colour_profile_is_kept(client, editor):
    data = private_jpeg()
    profile = PILImage.open(io.BytesIO(data)).info["icc_profile"]
    client.force_login(editor)
    assert post_image(client, upload(data)).status_code == 302
    image = Image.objects.get()
    for name in public_files(image):
        assert open_stored(name).info.get("icc_profile") == profile, name


def test_html_after_the_jpeg_end_marker_does_not_survive(client, editor):
    """A polyglot is accepted, but no stored file still carries the markup."""
    polyglot = image_bytes() + b"<html><script>alert(document.domain)</script></html>"
    client.force_login(editor)
    assert post_image(client, upload(polyglot)).status_code == 302
    image = Image.objects.get()
    for name in public_files(image):
        assert b"<script" not in stored_bytes(name), name


def test_html_in_png_text_chunks_does_not_survive(client, editor):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    info.add_itxt("Description", "<svg onload=alert(1)>")
    data = image_bytes(image_format="PNG", pnginfo=info)
    client.force_login(editor)
    assert post_image(client, upload(data, name="chunks.png")).status_code == 302
    for name in public_files(Image.objects.get()):
        raw = stored_bytes(name)
        assert b"<script" not in raw and b"<svg" not in raw, name


def cmyk_jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("CMYK", (600, 400), (0, 255, 255, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


def sixteen_bit_png() -> bytes:
    gradient = PILImage.linear_gradient("L").resize((600, 400)).convert("I")
    gradient = gradient.point(lambda value: value * 256).convert("I;16")
    buffer = io.BytesIO()
    gradient.save(buffer, "PNG")
    return buffer.getvalue()


def palette_with_alpha_png() -> bytes:
    """Index 0 (black) is transparent; the left half is opaque red."""
    picture = PILImage.new("P", (600, 400), 0)
    picture.putpalette([0, 0, 0, 200, 20, 20])
    ImageDraw.Draw(picture).rectangle([0, 0, 300, 400], fill=1)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=0)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "mode", "check"),
    [
        (cmyk_jpeg(), "cmyk.jpg", "CMYK", lambda rgb: close(rgb, (255, 0, 0), 60)),
        (sixteen_bit_png(), "depth.png", "I;16", None),
        (palette_with_alpha_png(), "logo.png", "P", None),
    ],
    ids=["CMYK JPEG", "16-bit PNG", "palette PNG with alpha"],
)
def test_cmyk_16_bit_and_palette_with_alpha_images_are_accepted_and_rendered(
    client, editor, data, name, mode, check
):
    assert PILImage.open(io.BytesIO(data)).mode == mode
    client.force_login(editor)
    assert post_image(client, upload(data, name=name)).status_code == 302
    image = Image.objects.get()
    rendition = open_stored(image.rendition("card-640")["jpg"])
    assert rendition.mode in ("RGB", "L") and rendition.size == (640, 360)
    if mode == "CMYK":
        assert check(rendition.getpixel((320, 180)))
    if mode == "I;16":
        low, high = rendition.convert("L").getextrema()
        assert high - low > 150, "the gradient survives, neither clipped nor black"
    if mode == "P":
        rgb = rendition.convert("RGB")
        assert close(rgb.getpixel((600, 180)), (255, 255, 255), 10), "not black"
        assert close(rgb.getpixel((40, 180)), (200, 20, 20), 40)
        webp = open_stored(image.rendition("card-640")["webp"])
        assert webp.mode == "RGBA" and webp.getpixel((600, 180))[3] == 0


def test_an_animated_gif_stays_animated_and_gets_still_renditions(client, editor):
    frames = [
        PILImage.new("RGB", (300, 200), colour) for colour in ("red", "blue", "lime")
    ]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        comment=b"<script>x</script>",
    )
    client.force_login(editor)
    assert (
        post_image(client, upload(buffer.getvalue(), name="anim.gif")).status_code
        == 302
    )
    image = Image.objects.get()
    original = PILImage.open(io.BytesIO(stored_bytes(image.file.name)))
    assert original.n_frames == 3
    assert b"<script" not in stored_bytes(image.file.name)
    assert open_stored(image.rendition("thumb")["jpg"]).size == (160, 160)


@pytest.mark.skipif("AVIF" not in ACCEPTED_FORMATS, reason="Pillow built without AVIF")
def test_avif_uploads_are_accepted(client, editor):
    client.force_login(editor)
    data = image_bytes((320, 200), image_format="AVIF")
    assert post_image(client, upload(data, name="photo.avif")).status_code == 302
    assert Image.objects.get().format == "AVIF"


# --- 3. Renditions -------------------------------------------------------------------


def test_renditions_have_the_specified_sizes_and_formats():
    image = make_image(data=image_bytes((3000, 2000)))
    assert set(image.renditions) == set(images.SPECS)
    for spec_name, spec in images.SPECS.items():
        entry = image.rendition(spec_name)
        expected = (
            (spec.width, spec.height)
            if spec.height
            else (spec.width, round(2000 * spec.width / 3000))
        )
        assert (entry["width"], entry["height"]) == expected, spec_name
        assert open_stored(entry["webp"]).format == "WEBP"
        assert open_stored(entry["jpg"]).format == "JPEG"
        assert open_stored(entry["jpg"]).size == expected


def test_renditions_are_never_wider_than_the_original():
    image = make_image(data=image_bytes((700, 400)))
    assert image.rendition("lead-2048")["width"] == 700
    html = Template('{% load newsroom %}{% picture image "lead" %}').render(
        Context({"image": image})
    )
    assert html.count(" 700w") == 2, "one candidate per width in each srcset"


@pytest.mark.parametrize("size", [(10, 20_000), (20_000, 10), (3, 16_384)])
def test_a_photo_beyond_webps_largest_side_gets_every_rendition(client, editor, size):
    """Any photo the upload rules accept gets its renditions (WebP stops at 16 383 px)."""
    client.force_login(editor)
    data = image_bytes(size, image_format="PNG")
    response = post_image(client, upload(data, name="tall.png"))
    assert response.status_code == 302
    image = Image.objects.get()
    assert set(image.renditions) == set(images.SPECS)
    for spec_name in images.SPECS:
        entry = image.rendition(spec_name)
        assert max(entry["width"], entry["height"]) <= images.MAX_RENDITION_SIDE
        assert open_stored(entry["webp"]).size == (entry["width"], entry["height"])


def test_a_large_jpeg_is_decoded_smaller_for_its_renditions_but_keeps_its_size():
    """A camera JPEG wider than twice the widest rendition is decoded at a
    reduced DCT scale: the library records its real size, and every rendition
    still has its full specified size."""
    image = make_image(data=image_bytes((9000, 600)))
    assert (image.width, image.height) == (9000, 600)
    lead = image.rendition("lead-2048")
    assert (lead["width"], lead["height"]) == (2048, 137)
    assert open_stored(lead["jpg"]).size == (2048, 137)
    card = image.rendition("card-960")
    assert open_stored(card["webp"]).size == (960, 540)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_renditions_made_again_are_the_same_bytes(image_format):
    """Renditions are made on several threads; the same recipe still gives the
    same file (a save's options live on the picture, so each picture's formats
    are encoded in turn, never at once). A PNG's renditions are made at upload
    from the pixels just encoded, later from the file: the same pixels."""
    image = make_image(
        data=image_bytes((3000, 2000), image_format=image_format),
        name=f"photo.{image_format.lower()}",
    )

    def files():
        return {
            image.rendition(name)[extension]: default_storage.open(
                image.rendition(name)[extension]
            ).read()
            for name in images.SPECS
            for extension in images.RENDITION_FORMATS
        }

    first = files()
    for _attempt in range(3):
        images.regenerate_renditions(image, force=True)
        assert files() == first


def target_picture(target_x: float) -> bytes:
    """Flat grey with one busy checkered patch centred at ``target_x`` across."""
    picture = PILImage.new("RGB", (1600, 900), (128, 128, 128))
    draw = ImageDraw.Draw(picture)
    left = int(target_x * 1600) - 100
    for x in range(left, left + 200, 20):
        for y in range(350, 550, 20):
            if (x // 20 + y // 20) % 2:
                draw.rectangle([x, y, x + 19, y + 19], fill=(255, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def red_share(name: str) -> float:
    picture = open_stored(name).convert("RGB")
    pixels = list(picture.get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 180 and g < 90) / len(pixels)


def test_fixed_ratio_crops_centre_on_the_focal_point():
    image = make_image(data=target_picture(0.92), name="target.png")
    assert image.focal_x is None
    # All of the patch inside a square crop is 2.5 % of its pixels.
    assert red_share(image.rendition("thumb")["jpg"]) > 0.02, "automatic choice"

    image.focal_x, image.focal_y = 0.05, 0.5
    image.save()
    images.regenerate_renditions(image, images.CROPPED_SPECS)
    image.refresh_from_db()
    assert red_share(image.rendition("thumb")["jpg"]) == 0
    assert red_share(image.rendition("social")["jpg"]) < 0.02
    assert red_share(image.rendition("lead-640")["jpg"]) > 0, "uncropped specs show all"


def test_an_editor_overrides_one_ratio_and_sets_the_focal_point_in_the_admin(
    client, editor, django_capture_on_commit_callbacks
):
    image = make_image(data=target_picture(0.92), name="target.png")
    old_square = image.rendition("thumb")["jpg"]
    client.force_login(editor)
    url = reverse("admin:articles_image_change", args=[image.pk])
    page = client.get(url).content.decode()
    assert "data-focal-picker" in page and "js/focal-point.js" in page
    assert "<script>" not in page.split('id="content"')[1], "no inline script"

    data = {
        "title": image.title,
        "alt_text": image.alt_text,
        "caption": "",
        "credit": image.credit,
        "licence": "",
        "source_url": "",
        "tags": "",
        "focal_x": "0.05",
        "focal_y": "0.5",
        "crop_card": "60, 20, 100, 80",
        "crop_square": "",
        "crop_social": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.05, 0.5)
    assert image.crops == {"card": [0.6, 0.2, 1.0, 0.8]}
    # Full width, the patch would be 1.4 % of a card; the override zooms in on it.
    assert red_share(image.rendition("card-640")["jpg"]) > 0.05, "the override wins"
    assert red_share(image.rendition("thumb")["jpg"]) == 0, "the focal point rules"
    assert image.rendition("thumb")["jpg"] != old_square
    assert not default_storage.exists(old_square), "replaced files are deleted"


@pytest.mark.parametrize(
    "crop", ["10, 20, 30", "a, b, c, d", "50, 0, 40, 100", "0,0,200,50"]
)
def test_a_malformed_crop_is_a_form_error(client, editor, crop):
    image = make_image()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {"title": "T", "alt_text": "A", "credit": "C", "crop_card": crop},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    image.refresh_from_db()
    assert image.crops == {}


def test_picture_markup_has_sources_srcset_sizes_and_dimensions():
    image = make_image(data=image_bytes((2400, 1350)), alt_text='Ships "at" <sea>')
    template = Template(
        '{% load newsroom %}{% picture image "lead" sizes="(min-width: 48em) 46rem, 100vw" '
        'eager=True %}|{% picture image "card" sizes="320px" %}'
    )
    lead, card = template.render(Context({"image": image})).split("|")
    assert lead.startswith('<picture><source type="image/webp" srcset="')
    for width in (640, 1024, 1600, 2048):
        assert f" {width}w" in lead
    assert 'sizes="(min-width: 48em) 46rem, 100vw"' in lead
    assert 'width="640" height="360"' in lead
    assert 'alt="Ships &quot;at&quot; &lt;sea&gt;"' in lead
    assert 'loading="eager" fetchpriority="high"' in lead
    assert 'loading="lazy"' in card and "fetchpriority" not in card
    assert 'width="320" height="180"' in card


def test_renditions_are_generated_once_and_reused(monkeypatch):
    image = make_image()
    saves = []
    monkeypatch.setattr(
        images, "write_file", lambda *args, **kwargs: saves.append(args)
    )
    Template(
        '{% load newsroom %}{% picture image "lead" %}{% picture image "card" %}'
    ).render(Context({"image": image}))
    assert saves == []


def test_a_missing_rendition_is_made_on_first_use_and_recorded():
    image = make_image()
    entry = image.renditions.pop("card-960")
    for extension in images.RENDITION_FORMATS:
        default_storage.delete(entry[extension])
    Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
    image = Image.objects.get(pk=image.pk)

    html = Template('{% load newsroom %}{% picture image "card" %}').render(
        Context({"image": image})
    )

    assert " 960w" in html
    assert "card-960" in Image.objects.get(pk=image.pk).renditions


def test_a_rendition_that_cannot_be_made_falls_back_to_the_original(monkeypatch):
    image = make_image()
    Image.objects.filter(pk=image.pk).update(renditions={})
    image.refresh_from_db()

    def broken(*args, **kwargs):
        raise OSError("storage unreachable")

    monkeypatch.setattr(images, "open_master", broken)
    html = Template('{% load newsroom %}{% picture image "lead" %}').render(
        Context({"image": image})
    )
    assert f'src="{image.file.url}"' in html and 'width="800"' in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_for_a_new_rendition_write_one_file(monkeypatch):
    image = make_image()
    entry = image.renditions.pop("lead-1600")
    for extension in images.RENDITION_FORMATS:
        default_storage.delete(entry[extension])
    Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
    written, errors = [], []
    real_write = images.write_file

    def counting_write(storage, name, *args, **kwargs):
        written.append(name)
        return real_write(storage, name, *args, **kwargs)

    monkeypatch.setattr(images, "write_file", counting_write)
    start = threading.Barrier(4)

    def request():
        try:
            copy = Image.objects.get(pk=image.pk)
            start.wait()
            images.ensure_renditions(copy, ["lead-1600"])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(written) == len(images.RENDITION_FORMATS), written
    recorded = Image.objects.get(pk=image.pk).rendition("lead-1600")
    folder = str(Path(recorded["jpg"]).parent)
    files = [
        name
        for name in default_storage.listdir(folder)[1]
        if name.startswith("lead-1600")
    ]
    assert len(files) == len(images.RENDITION_FORMATS)
    assert open_stored(recorded["jpg"]).size == (800, 450)


def test_the_pipeline_uses_only_the_storage_api(
    settings, isolated_media_root, django_capture_on_commit_callbacks
):
    """On Django's InMemoryStorage, as on S3: store, render, regenerate, delete."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    image = make_image(data=private_jpeg())
    names = public_files(image)
    assert all(default_storage.exists(name) for name in names)
    assert not media_files(isolated_media_root)
    html = Template('{% load newsroom %}{% picture image "lead" %}').render(
        Context({"image": image})
    )
    assert image.rendition("lead-640")["webp"] in html

    with django_capture_on_commit_callbacks(execute=True):
        images.regenerate_renditions(image, force=True)
    assert public_files(image) == names, "regenerated under the same names"
    with django_capture_on_commit_callbacks(execute=True):
        images.delete_image(image=image, user=make_user("admin", superuser=True))
    assert not any(default_storage.exists(name) for name in names)
    assert not media_files(isolated_media_root)


class FailingStorage(FileSystemStorage):
    """Writes half of its third file, then reports the disk full."""

    calls = 0

    def _save(self, name, content):
        type(self).calls += 1
        if type(self).calls == 3:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.read()[:100])
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)


def test_a_storage_failing_mid_save_leaves_no_row_and_no_file(
    client, editor, settings, isolated_media_root
):
    FailingStorage.calls = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_images.FailingStorage"},
    }
    client.force_login(editor)
    response = post_image(client, upload(image_bytes()), title="Full disk")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "could not be stored" in page and "Nothing was saved" in page
    assert FailingStorage.calls == 3
    assert not Image.objects.exists()
    assert not media_files(isolated_media_root)


def test_deleting_an_image_removes_its_original_and_renditions(
    client, superuser, django_capture_on_commit_callbacks
):
    image = make_image()
    names = public_files(image)
    client.force_login(superuser)
    url = reverse("admin:articles_image_delete", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_regenerate_command_shows_progress(django_capture_on_commit_callbacks):
    first, second = make_image(), make_image()
    old = first.rendition("thumb")["jpg"]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", "--force", stdout=out)
    output = out.getvalue()
    assert f"[1/2]  50% image {first.pk} regenerated" in output
    assert f"[2/2] 100% image {second.pk} regenerated" in output
    assert "2 regenerated, 0 already complete, 0 failed of 2 images." in output
    first.refresh_from_db()
    assert default_storage.exists(first.rendition("thumb")["jpg"])
    assert first.rendition("thumb")["jpg"] == old, "same recipe, same name"

    out = io.StringIO()
    call_command("regenerate_renditions", "--missing-only", stdout=out)
    assert "0 regenerated, 2 already complete" in out.getvalue()


class RolledBack(Exception):
    """The database work around an upload failed after its files were written."""


def upload_rolled_back() -> list[str]:
    """Store a photo inside a transaction that then rolls back; its file names."""
    with pytest.raises(RolledBack), transaction.atomic():
        image = make_image(title="Never saved")
        names = images.stored_names(image)
        raise RolledBack
    assert not Image.objects.filter(title="Never saved").exists()
    return names


def sweep(*options) -> str:
    out = io.StringIO()
    call_command("sweep_orphan_media", *options, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("backend", ["FileSystemStorage", "InMemoryStorage"])
def test_the_sweeper_removes_the_files_of_an_upload_that_rolled_back(
    settings, time_machine, backend
):
    """Through the storage API only, so it works on S3 as on a disk."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"django.core.files.storage.{backend}"},
    }
    kept = make_image(title="In the library")
    orphans = upload_rolled_back()
    assert all(default_storage.exists(name) for name in orphans)
    time_machine.move_to(timezone.now() + timedelta(hours=2))

    output = sweep()

    assert not any(default_storage.exists(name) for name in orphans)
    assert all(default_storage.exists(name) for name in public_files(kept))
    assert output.splitlines() == [
        *(f"removed {name}" for name in sorted(orphans)),
        f"{len(orphans)} orphaned file(s) removed.",
    ]


def test_the_sweeper_removes_the_rendition_folder_but_not_the_month_folder(
    settings, time_machine
):
    """A removed original's own rendition folder goes; the month folder of
    originals stays, since uploads in flight write into it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    orphans = upload_rolled_back()
    [original] = [name for name in orphans if name.startswith("images/")]
    renditions = Path(default_storage.path(f"renditions/{Path(original).stem}"))
    assert any(renditions.iterdir())
    time_machine.move_to(timezone.now() + timedelta(hours=2))

    sweep()

    assert not renditions.exists()
    month = Path(default_storage.path(original)).parent
    assert month.is_dir() and not any(month.iterdir())


def test_a_fresh_orphan_stays_during_the_grace_period(time_machine):
    orphans = upload_rolled_back()
    start = timezone.now()

    assert sweep() == "0 orphaned file(s) removed.\n"
    time_machine.move_to(start + timedelta(minutes=45))
    assert sweep() == "0 orphaned file(s) removed.\n"
    assert all(default_storage.exists(name) for name in orphans)

    assert f"removed {orphans[0]}" in sweep("--older-than", "30")
    assert not any(default_storage.exists(name) for name in orphans)


def test_a_dry_run_of_the_sweeper_lists_the_orphans_and_deletes_nothing(
    time_machine,
):
    orphans = upload_rolled_back()
    time_machine.move_to(timezone.now() + timedelta(hours=2))

    output = sweep("--dry-run")

    assert f"would remove {orphans[0]}" in output
    assert f"{len(orphans)} orphaned file(s) would be removed." in output
    assert all(default_storage.exists(name) for name in orphans)


# --- 4. The library: metadata, duplicates, many files ---------------------------------


def test_upload_prefills_title_caption_credit_and_copyright_from_xmp(client, editor):
    buffer = io.BytesIO()
    quadrant_picture((600, 400)).save(buffer, "JPEG", xmp=XMP)
    client.force_login(editor)
    response = post_image(client, upload(buffer.getvalue()), title="", credit="")
    assert response.status_code == 302, response.content.decode()[:3000]
    image = Image.objects.get()
    assert image.title == "Frigate at dawn"
    assert image.caption == "The frigate <script>alert(1)</script> leaves port."
    assert image.credit == "Jane Doe / Reuters"
    assert image.licence == "© Reuters 2026"
    assert sorted(image.tags.names()) == ["frigate", "navy fleet"]
    page = client.get(response["Location"]).content.decode()
    assert "Taken from the photo&#x27;s embedded data: title, caption, credit" in page
    change = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assert "<script>alert(1)" not in change.content.decode()
    assert "&lt;script&gt;alert(1)" in change.content.decode()


def test_typed_values_win_over_embedded_ones(client, editor):
    buffer = io.BytesIO()
    quadrant_picture((600, 400)).save(buffer, "JPEG", xmp=XMP)
    client.force_login(editor)
    post_image(client, upload(buffer.getvalue()), title="My title", credit="Staff")
    image = Image.objects.get()
    assert (image.title, image.credit) == ("My title", "Staff")
    assert image.caption.startswith("The frigate")


def test_upload_prefills_from_iptc_and_exif(client, editor):
    iptc = iptc_segment(
        {
            (2, 5): b"Convoy",
            (2, 120): "Trucks \u2014 at night".encode(),
            (2, 80): b"A. Photographer",
            (2, 110): b"AFP",
            (2, 116): b"AFP 2026",
            (2, 25): b"convoy",
        }
    )
    client.force_login(editor)
    post_image(client, upload(jpeg_segments(image_bytes(), iptc)), title="", credit="")
    image = Image.objects.get()
    assert (image.title, image.caption) == ("Convoy", "Trucks \u2014 at night")
    assert (image.credit, image.licence) == ("A. Photographer / AFP", "AFP 2026")
    assert list(image.tags.names()) == ["convoy"]

    exif = PILImage.Exif()
    exif[270], exif[315], exif[33432] = "Radar mast", "B. Snapper", "MoD \x07Crown"
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 200), "navy").save(buffer, "JPEG", exif=exif)
    post_image(client, upload(buffer.getvalue()), title="Radar", credit="")
    image = Image.objects.get(title="Radar")
    assert (image.caption, image.credit, image.licence) == (
        "Radar mast",
        "B. Snapper",
        "MoD Crown",
    )


def test_hostile_embedded_xml_is_ignored_not_expanded(client, editor):
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 200), "navy").save(buffer, "JPEG", xmp=BILLION_LAUGHS)
    client.force_login(editor)
    response = post_image(client, upload(buffer.getvalue()), title="", caption="")
    assert response.status_code == 200
    assert "the file has none embedded" in response.content.decode()
    assert not Image.objects.exists()


def test_the_same_photo_uploaded_twice_is_offered_from_the_library(client, editor):
    client.force_login(editor)
    data = image_bytes()
    assert post_image(client, upload(data), title="First").status_code == 302
    first = Image.objects.get()

    response = post_image(client, upload(data, name="again.jpg"), title="Second")

    assert response.status_code == 200
    page = response.content.decode()
    assert "already in the library" in page
    assert reverse("admin:articles_image_change", args=[first.pk]) in page
    assert Image.objects.count() == 1


def test_several_photos_are_uploaded_at_once_each_checked_on_its_own(client, editor):
    client.force_login(editor)
    existing = make_image(data=image_bytes(color=(1, 2, 3)))
    url = reverse("admin:articles_image_upload_many")
    assert (
        "Upload several photos"
        in client.get(reverse("admin:articles_image_changelist")).content.decode()
    )
    buffer = io.BytesIO()
    quadrant_picture((600, 400)).save(buffer, "JPEG", xmp=XMP)
    files = [
        upload(buffer.getvalue(), name="dawn.jpg"),
        upload(image_bytes(color=(9, 9, 9)), name="IMG_0042.jpg"),
        upload(b"<html>no</html>", name="<b>page.jpg"),
        upload(image_bytes(color=(1, 2, 3)), name="copy.jpg"),
    ]

    response = client.post(url, {"files": files})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 photos stored" in page
    assert "not a JPEG" in page and "already in the library" in page
    assert "<b>page" not in page and "&lt;b&gt;page.jpg" in page
    stored = Image.objects.exclude(pk=existing.pk)
    assert sorted(stored.values_list("title", flat=True)) == [
        "Frigate at dawn",
        "IMG_0042",
    ]
    assert all(image.uploaded_by == editor for image in stored)


def test_anonymous_users_cannot_reach_the_multi_upload(client):
    response = client.post(reverse("admin:articles_image_upload_many"), {})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_library_lists_searches_and_filters(client, editor):
    wide = make_image(title="Frigate wide", data=image_bytes((800, 450)), user=editor)
    tall = make_image(
        title="Mast tall", caption="A radar mast", data=image_bytes((300, 600))
    )
    tall.tags.set(["radar"])
    square = make_image(
        title="Square crest", credit="Agence Zed", data=image_bytes((400, 400))
    )
    story = make_article(headline="Fleet review", lead_image=wide)
    place_photo(make_article(headline="Mast story"), wide)
    client.force_login(editor)
    url = reverse("admin:articles_image_changelist")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {image.title for image in (wide, tall, square) if image.title in page}

    assert titles() == {"Frigate wide", "Mast tall", "Square crest"}
    assert titles(q="radar") == {"Mast tall"}
    assert titles(q="Zed") == {"Square crest"}
    assert titles(orientation="portrait") == {"Mast tall"}
    assert titles(orientation="landscape") == {"Frigate wide"}
    assert titles(orientation="square") == {"Square crest"}
    assert titles(usage="unused") == {"Mast tall", "Square crest"}
    assert titles(usage="used") == {"Frigate wide"}
    assert titles(uploaded_by__id__exact=editor.pk) == {"Frigate wide"}

    page = client.get(url).content.decode()
    assert "newsroom-thumb" in page
    link = f"{reverse('admin:articles_article_changelist')}?uses_image={wide.pk}"
    assert f'<a href="{link}">2 stories</a>' in page
    stories = client.get(link).content.decode()
    assert "Fleet review" in stories and "Mast story" in stories
    other = make_article(headline="Unrelated story")
    assert other.headline not in client.get(link).content.decode()
    assert story.headline in client.get(link).content.decode()


def test_an_image_used_by_a_live_story_cannot_be_deleted(client, superuser):
    image = make_image(title="Frigate at sea")
    make_article(headline="Frigate returns", lead_image=image)
    make_article(headline="Gallery of the fleet").story_images.create(
        image=image, kind=GALLERY
    )
    client.force_login(superuser)

    response = client.get(
        reverse("admin:articles_image_delete", args=[image.pk]), follow=True
    )
    page = response.content.decode()
    assert "cannot be deleted" in page
    assert "Frigate returns" in page and "Gallery of the fleet" in page

    response = client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Image.objects.filter(pk=image.pk).exists()

    unused = make_image()
    response = client.post(
        reverse("admin:articles_image_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [image.pk, unused.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert "Frigate returns" in response.content.decode()
    assert Image.objects.filter(pk__in=[image.pk, unused.pk]).count() == 2

    with pytest.raises(images.ImageInUse) as refused:
        images.delete_image(image=image, user=superuser)
    assert {story.headline for story in refused.value.stories} == {
        "Frigate returns",
        "Gallery of the fleet",
    }


def test_unused_images_are_deleted_in_bulk(
    client, superuser, django_capture_on_commit_callbacks
):
    first, second = make_image(), make_image()
    names = public_files(first) + public_files(second)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [first.pk, second.pk],
            },
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_a_reporter_without_delete_permission_cannot_delete(client, reporter):
    image = make_image()
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


# --- 5. Photos in stories ---------------------------------------------------------


def in_review(**fields) -> Article:
    return make_article(status=Article.Status.IN_REVIEW, **fields)


def approve(story, moderator):
    story.refresh_from_db()
    return workflow.approve(
        article=story, user=moderator, revision_id=story.latest_revision_id
    )


@pytest.mark.parametrize("kind", ["lead", GALLERY, BODY])
@pytest.mark.parametrize(
    ("photo", "missing"), [({"alt_text": ""}, "alt text"), ({"credit": ""}, "credit")]
)
def test_approval_is_refused_while_any_story_photo_lacks_alt_text_or_credit(
    moderator, kind, photo, missing
):
    complete = make_image(title="Complete photo")
    lacking = make_image(title="Harbour at night", **photo)
    story = in_review(lead_image=lacking if kind == "lead" else complete)
    if kind != "lead":
        place_photo(story, lacking, kind=kind)

    with pytest.raises(workflow.WorkflowError) as refused:
        approve(story, moderator)

    assert refused.value.code == "image_incomplete"
    where = {"lead": "lead photo", GALLERY: "gallery", BODY: "in the body"}[kind]
    assert f"“Harbour at night” needs {missing} ({where})" in refused.value.message
    assert "Complete photo" not in refused.value.message
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_a_per_story_credit_satisfies_the_credit_rule(moderator):
    lacking = make_image(title="Uncredited", credit="")
    story = in_review(lead_image=lacking, lead_image_credit="Navy/PO Smith")
    place_photo(story, lacking, credit="Navy/PO Jones")
    approve(story, moderator)
    assert Article.objects.published().filter(pk=story.pk).exists()


def story_page(client, story) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_gallery_and_body_photos_render_as_figures_with_per_story_captions(client):
    first = make_image(
        title="One",
        caption="Library caption",
        credit="Library credit",
        alt_text="First photo",
    )
    second = make_image(
        title="Two",
        caption="<b>Bold</b> caption",
        credit="Agency",
        alt_text='Second "photo"',
    )
    story = make_article(
        body="<p>Para one.</p><blockquote><p>Quote.</p></blockquote><p>Para three.</p>"
    )
    place_photo(
        story, first, position=0, caption="Story caption", credit="Story credit"
    )
    place_photo(story, second, position=1)
    place_photo(story, first, kind=BODY, position=1, caption="In the body")

    page = story_page(client, story)

    gallery = page[page.index('class="gallery') :]
    assert gallery.index("Story caption") < gallery.index(
        "&lt;b&gt;Bold&lt;/b&gt; caption"
    )
    assert "Photo: Story credit" in gallery and "Photo: Agency" in gallery
    assert 'alt="Second &quot;photo&quot;"' in gallery
    assert 'loading="lazy"' in gallery
    body = page[page.index('class="story__body"') : page.index('class="gallery')]
    assert body.index("Para one.") < body.index("In the body") < body.index("Quote.")
    assert re.search(
        r'<figure class="story__inline-figure"><picture>.*?</picture>'
        r"<figcaption>In the body <span class=\"credit\">Photo: Library credit",
        body,
        re.S,
    )
    first.refresh_from_db()
    assert first.caption == "Library caption", "the library keeps the original"


def test_a_story_with_a_gallery_stays_within_the_query_budget(client):
    story = make_article()
    place_photo(story, make_image())

    def count():
        client.get(story.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            client.get(story.get_absolute_url())
        return len(queries)

    few = count()
    for position in range(1, 8):
        place_photo(story, make_image(), position=position)
        place_photo(story, make_image(), kind=BODY, position=position)
    assert count() == few <= 8


def test_editors_place_gallery_and_body_photos_from_the_story_form(
    client, editor, moderator
):
    photo, other = make_image(title="Deck crew"), make_image(title="Bridge")
    client.force_login(editor)
    data = story_form_data(
        lead_image=photo.pk,
        lead_image_credit="Per-story credit",
        **{
            "gallery-TOTAL_FORMS": "2",
            "gallery-INITIAL_FORMS": "0",
            "gallery-0-image": photo.pk,
            "gallery-0-position": "2",
            "gallery-0-caption": "Crew on deck",
            "gallery-0-credit": "",
            "gallery-1-image": other.pk,
            "gallery-1-position": "1",
            "body_images-TOTAL_FORMS": "1",
            "body_images-INITIAL_FORMS": "0",
            "body_images-0-image": other.pk,
            "body_images-0-position": "1",
            "body_images-0-caption": "On the bridge",
            "body_images-0-credit": "Navy",
        },
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story = Article.objects.get()
    assert [
        (p.kind, p.image.title, p.position, p.caption) for p in story.image_placements
    ] == [
        (BODY, "Bridge", 1, "On the bridge"),
        (GALLERY, "Bridge", 1, ""),
        (GALLERY, "Deck crew", 2, "Crew on deck"),
    ]
    snapshot = story.latest_revision.snapshot
    assert [item["title"] for item in snapshot["gallery"]] == ["Bridge", "Deck crew"]
    assert snapshot["lead_image_credit"] == "Per-story credit"
    change = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert "Crew on deck" in change.content.decode()


def test_photo_changes_to_a_live_story_wait_for_approval(client, editor, moderator):
    old, new = make_image(title="Old photo"), make_image(title="New photo")
    story = make_article(headline="Live story")
    place_photo(story, old, caption="Old caption")
    client.force_login(editor)
    data = story_form_data(
        story,
        headline="Live story",
        section=story.section,
        **{
            "gallery-TOTAL_FORMS": "1",
            "gallery-INITIAL_FORMS": "0",
            "gallery-0-image": new.pk,
            "gallery-0-position": "0",
            "gallery-0-caption": "New caption",
        },
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Old caption" in story_page(client, story), (
        "readers keep the approved photos"
    )
    story.refresh_from_db()
    compare = revisions.compare(
        story.live_revision.snapshot, story.latest_revision.snapshot
    )
    gallery = next(diff for diff in compare if diff.label == "Gallery")
    assert gallery.changed and "<ins>" in gallery.html

    form = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert "New caption" in form.content.decode(), "the form shows the pending photos"
    preview = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert "New caption" in preview.content.decode()

    workflow.submit(article=story, user=editor)
    approve(story, moderator)
    page = story_page(client, story)
    assert "New caption" in page and "Old caption" not in page


def test_a_story_form_without_the_photo_formsets_keeps_the_photos(client, editor):
    story = make_article(status=Article.Status.DRAFT, headline="Draft")
    place_photo(story, make_image(title="Kept"), caption="Kept caption")
    story.refresh_from_db()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        story_form_data(story, headline="Draft, edited"),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert [p.caption for p in story.image_placements] == ["Kept caption"]
    assert story.latest_revision.snapshot["gallery"][0]["caption"] == "Kept caption"


def test_hostile_photo_text_renders_inert_for_readers_and_in_the_admin(
    client, superuser
):
    hostile = '"><script>alert(1)</script>'
    image = make_image(title=hostile, caption=hostile, credit=hostile, alt_text=hostile)
    story = make_article(lead_image=image, lead_image_credit=hostile)
    place_photo(story, image, caption=hostile, credit=hostile)
    place_photo(story, image, kind=BODY, position=1, caption=hostile)
    assert "<script>alert(1)" not in story_page(client, story)
    client.force_login(superuser)
    for url in (
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_image_change", args=[image.pk]),
        reverse("admin:articles_article_change", args=[story.pk]),
        reverse("admin:articles_article_changelist") + f"?uses_image={image.pk}",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url


def test_approving_applies_the_photos_and_the_library_stays_unchanged(moderator):
    image = make_image(title="Library", caption="Library caption", credit="Lib")
    story = in_review(
        lead_image=image,
        lead_image_caption="Story cap",
        lead_image_credit="Story credit",
    )
    place_photo(story, image, caption="Gallery cap")
    approve(story, moderator)
    story = Article.objects.get(pk=story.pk)
    assert (story.lead_caption, story.lead_credit) == ("Story cap", "Story credit")
    image.refresh_from_db()
    assert (image.caption, image.credit) == ("Library caption", "Lib")
    assert timezone.now() >= story.publish_at


@pytest.mark.parametrize(
    "source_url",
    [
        "ftp://files.example.com/photo.jpg",
        "http://127.0.0.1/admin/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/photo.jpg",
        "http://[::1]/",
        "http://localhost:8000/",
        "http://intranet/photo.jpg",
        "https://photos.corp.internal/1",
        "javascript:alert(1)",
    ],
)
def test_a_photo_source_url_must_be_a_public_web_address(
    client, editor, source_url, isolated_media_root
):
    client.force_login(editor)
    response = post_image(client, upload(image_bytes()), source_url=source_url)
    assert response.status_code == 200
    assert "internal and local addresses are not accepted" in response.content.decode()
    assert not Image.objects.exists()
    assert not media_files(isolated_media_root)


@pytest.mark.parametrize(
    "source_url", ["https://www.example-agency.com/photo/123", "http://93.184.215.14/x"]
)
def test_a_public_source_url_is_kept(client, editor, source_url):
    client.force_login(editor)
    assert (
        post_image(client, upload(image_bytes()), source_url=source_url).status_code
        == 302
    )
    assert Image.objects.get().source_url == source_url
