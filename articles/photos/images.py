"""Storing photos and their renditions, through Django's storage API only.

The stored "original" is a re-encoded copy: orientation applied, GPS and other
EXIF, XMP, IPTC, comments and text chunks dropped, trailing data (polyglots)
gone, the ICC colour profile kept. Renditions are generated at upload time and
recorded on the image, so pages render ``<picture>`` markup without touching
storage; a rendition that is missing (a spec added later) is made once, on
first use, under a row lock so concurrent requests write one file.

Rendition names carry a fingerprint of their recipe (size, crop box, encoder
version): a new focal point or crop gives new names, so no cache or CDN ever
serves a stale crop, and the replaced files are deleted once the change commits.
Only ``Storage.save/open/exists/delete/url`` are used, so S3-compatible
storage works unchanged.
"""

import hashlib
import io
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image as PILImage
from PIL import ImageFilter, ImageOps

from articles.models import Article, Image
from articles.photos.validators import ACCEPTED_FORMATS, InspectedImage, pillow_limits

logger = logging.getLogger(__name__)

# Part of every rendition's name: raise it when encoder options change, and
# ``manage.py regenerate_renditions`` writes new files under new names.
# 2: full-frame renditions resized in a chain, largest first; a JPEG original
# decoded at a reduced DCT scale (decode_original); WebP at method 2.
RECIPE_VERSION = 2
# WebP's largest side: a rendition of a very tall (or wide) photo is scaled
# to fit, so any photo the upload rules accept gets every rendition.
MAX_RENDITION_SIDE = 16_383
# Renditions computed at once (see make_renditions).
RENDITION_THREADS = 2
# How long a request waits for another one making the same renditions.
LOCK_WAIT_SECONDS = 30


@dataclass(frozen=True)
class RenditionSpec:
    width: int
    height: int | None = None  # None keeps the original aspect ratio
    ratio: str | None = None  # the crop an editor may override (CROP_RATIOS)


CROP_RATIOS = {
    "card": gettext_lazy("16:9 (story cards)"),
    "square": gettext_lazy("square (thumbnails)"),
    "social": gettext_lazy("1200×630 (social sharing)"),
}
SPECS = {
    "thumb": RenditionSpec(160, 160, "square"),
    "card-320": RenditionSpec(320, 180, "card"),
    "card-640": RenditionSpec(640, 360, "card"),
    "card-960": RenditionSpec(960, 540, "card"),
    "lead-640": RenditionSpec(640),
    "lead-1024": RenditionSpec(1024),
    "lead-1600": RenditionSpec(1600),
    "lead-2048": RenditionSpec(2048),
    "social": RenditionSpec(1200, 630, "social"),
}
CROPPED_SPECS = [name for name, spec in SPECS.items() if spec.ratio]
DECODE_WIDTH = 2 * max(spec.width for spec in SPECS.values())
RENDITION_FORMATS = {
    # Method 2 of WebP's 0-6 effort scale: 40 % less encoding than the
    # default 4 for files 1 % larger, so a camera photo's upload stays
    # within the editor's two seconds.
    "webp": ("WEBP", {"quality": 80, "method": 2}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
ORIGINAL_SAVE_OPTIONS = {
    # No Huffman optimisation for the stored original: on a 60-megapixel
    # photo it triples the encoding time to save a few percent of a file
    # that readers never download.
    "JPEG": {"quality": 92},
    # zlib's fastest level: a photographic PNG of 48 megapixels took 25 s
    # with ``optimize`` (past the worker's timeout) and 2 s at level 1.
    "PNG": {"compress_level": 1},
    "GIF": {},
    "WEBP": {"quality": 90},
    "AVIF": {"quality": 85},
}


class ImageStorageError(Exception):
    """Storage or the database failed while saving a photo; nothing was kept."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImageInUse(Exception):
    """A photo that stories use cannot leave the library."""

    def __init__(self, image: Image, stories: list[Article]):
        super().__init__(str(image))
        self.image = image
        self.stories = stories


# --- Pixels -------------------------------------------------------------------------


def normalise_mode(image: PILImage.Image) -> PILImage.Image:
    """Bring CMYK, 16-bit and palette images to a mode every encoder accepts."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return image.point(lambda value: value / 256).convert("L")
    if image.mode == "F":
        return image.convert("L")
    if image.mode == "CMYK":
        return image.convert("RGB")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("LA", "PA", "La", "RGBa"):
        return image.convert("RGBA")
    if image.mode not in ("RGB", "RGBA", "L"):
        return image.convert("RGB")
    return image


def flatten(image: PILImage.Image) -> PILImage.Image:
    """Composite transparency onto white (JPEG has no alpha)."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def encode(image: PILImage.Image, image_format: str, options: dict) -> bytes:
    """Encode with the ICC profile and nothing else from ``image.info``."""
    icc = image.info.get("icc_profile")
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = flatten(image)
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    image.save(buffer, format=image_format, **options, **extra)
    return buffer.getvalue()


def only_colour_profile(image: PILImage.Image, icc: bytes | None) -> PILImage.Image:
    """Drop everything Pillow carried over from the file (EXIF, XMP, comments, text)."""
    image.info = {"icc_profile": icc} if icc else {}
    return image


def upright(image: PILImage.Image) -> PILImage.Image:
    """A copy with the EXIF orientation applied once; a broken EXIF block is ignored."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception as error:  # offsets outside the file, bad values, …
        logger.warning("EXIF orientation ignored: %s", error)
        return image.copy()


def clean_original(
    image: PILImage.Image, image_format: str
) -> tuple[bytes, PILImage.Image]:
    """The upright, metadata-free copy stored as the library original, and the
    pixels its renditions are made from.

    Those are the original's as ``decode_original`` reads them back; a PNG is
    lossless, so its pixels are the ones just encoded and are not decoded
    again (half a second on a 20 MB photographic PNG).
    """
    if image_format == "GIF" and getattr(image, "n_frames", 1) > 1:
        for key in ("comment", "extension", "xmp"):
            image.info.pop(key, None)
        buffer = io.BytesIO()
        with pillow_limits():
            image.save(buffer, format="GIF", save_all=True)
        stored = buffer.getvalue()
        return stored, decode_original(io.BytesIO(stored))
    icc = image.info.get("icc_profile") if image.mode != "CMYK" else None
    master = only_colour_profile(normalise_mode(upright(image)), icc)
    stored = encode(master, image_format, ORIGINAL_SAVE_OPTIONS[image_format])
    if image_format == "PNG":
        return stored, master
    return stored, decode_original(io.BytesIO(stored))


def decode_original(stored) -> PILImage.Image:
    """Pixels to make renditions from: the stored original's, whether just encoded
    or read back later, so renditions made at upload and regenerated ones match.

    A JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) that still
    leaves ``DECODE_WIDTH`` pixels across, twice the widest rendition: a
    60-megapixel camera photo then costs a quarter of the decoding and
    resizing, and no rendition is made from fewer pixels than it shows.
    """
    with pillow_limits():
        master = PILImage.open(stored, formats=ACCEPTED_FORMATS)
        master.draft(None, (DECODE_WIDTH, 1))
        master.load()
    icc = master.info.get("icc_profile")
    return only_colour_profile(normalise_mode(master), icc)


def open_master(image: Image) -> PILImage.Image:
    """The stored original, decoded, under the same limits as an upload."""
    with image.file.storage.open(image.file.name, "rb") as stored:
        return decode_original(stored)


# --- Framing ------------------------------------------------------------------------


def crop_box(width: int, height: int, target_ratio: float, focal: tuple[float, float]):
    """The largest box of ``target_ratio`` centred as near the focal point as fits."""
    if width / height > target_ratio:
        crop_width, crop_height = round(height * target_ratio), height
    else:
        crop_width, crop_height = width, round(width / target_ratio)
    crop_width, crop_height = max(crop_width, 1), max(crop_height, 1)
    left = min(max(round(focal[0] * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focal[1] * height - crop_height / 2), 0), height - crop_height)
    return left, top, left + crop_width, top + crop_height


def automatic_focal_point(master: PILImage.Image) -> tuple[float, float]:
    """Where the detail is: the centre of edge energy of a small greyscale copy.

    A flat picture (no edges) falls back to the centre.
    """
    small = ImageOps.grayscale(
        master.resize(
            (64, max(1, round(64 * master.height / master.width))),
            PILImage.Resampling.BOX,
        )
    )
    edges = small.filter(ImageFilter.FIND_EDGES)
    width, height = edges.size
    weights = edges.load()
    total = sum_x = sum_y = 0.0
    for y in range(1, height - 1):  # the filter's border rows are noise
        for x in range(1, width - 1):
            weight = weights[x, y]
            total += weight
            sum_x += weight * x
            sum_y += weight * y
    if total < 1:
        return 0.5, 0.5
    return (sum_x / total + 0.5) / width, (sum_y / total + 0.5) / height


def focal_point(image: Image, master: PILImage.Image) -> tuple[float, float]:
    if image.focal_x is not None and image.focal_y is not None:
        return image.focal_x, image.focal_y
    return automatic_focal_point(master)


def frame_box(image: Image, master: PILImage.Image, spec: RenditionSpec, focal):
    """The part of the photo a fixed-ratio rendition shows: the editor's crop for
    that ratio when set, else the largest box around the focal point."""
    ratio = spec.width / spec.height
    override = (image.crops or {}).get(spec.ratio)
    if not override:
        return crop_box(master.width, master.height, ratio, focal)
    left, top, right, bottom = (
        round(fraction * size)
        for fraction, size in zip(
            override, [master.width, master.height] * 2, strict=True
        )
    )
    right, bottom = max(right, left + 1), max(bottom, top + 1)
    inner = crop_box(right - left, bottom - top, ratio, (0.5, 0.5))
    return left + inner[0], top + inner[1], left + inner[2], top + inner[3]


def fit_width(width: int, height: int, max_width: int) -> tuple[int, int]:
    """The size of a ``width``×``height`` photo scaled to at most ``max_width``
    wide and ``MAX_RENDITION_SIDE`` tall, never enlarged, never 0 pixels."""
    scale = min(max_width / width, MAX_RENDITION_SIDE / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shrink(picture: PILImage.Image, size: tuple[int, int], box=None) -> PILImage.Image:
    # reducing_gap shrinks by whole factors first: far faster on camera photos,
    # with no visible difference at these sizes.
    return picture.resize(size, PILImage.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def render_cropped(master: PILImage.Image, spec: RenditionSpec, box) -> PILImage.Image:
    return shrink(master, (spec.width, spec.height), box)


# --- Files --------------------------------------------------------------------------


def rendition_name(image: Image, spec_name: str, extension: str, recipe: str) -> str:
    """Unique per stored original (whose name is random) and per recipe."""
    stem = PurePosixPath(image.file.name).stem
    fingerprint = hashlib.sha256(f"{RECIPE_VERSION}:{recipe}".encode()).hexdigest()[:10]
    return f"renditions/{stem}/{spec_name}-{fingerprint}.{extension}"


def write_file(
    storage, name: str, data: bytes, written: list[str], *, reuse=False
) -> str:
    """Save ``data`` under exactly ``name``, recording it in ``written`` for cleanup.

    With ``reuse``, a file already at ``name`` is kept: rendition names are
    fingerprints of their recipe, so the same name means the same pixels.
    """
    if storage.exists(name):
        if reuse:
            return name
        storage.delete(name)
    written.append(name)  # before saving: a failed write may leave a partial file
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        written.append(saved)
        raise OSError(f"storage saved {name!r} as {saved!r}")
    return saved


def encode_formats(picture: PILImage.Image) -> dict[str, bytes]:
    """``picture`` in every rendition format, by file extension."""
    return {
        extension: encode(picture, image_format, options)
        for extension, (image_format, options) in RENDITION_FORMATS.items()
    }


def render_uncropped(master: PILImage.Image, spec_names) -> dict[str, PILImage.Image]:
    """The full-frame renditions, largest first, each resized from the one
    before: a fraction of the work of resizing the full photo each time, and
    the same as Pillow's own reduce-then-resample at these ratios."""
    rendered, source = {}, master
    for name in sorted(spec_names, key=lambda name: -SPECS[name].width):
        size = fit_width(master.width, master.height, SPECS[name].width)
        rendered[name] = source = shrink(source, size)
    return rendered


def make_renditions(
    image: Image, master: PILImage.Image, spec_names, written: list[str], *, reuse=False
) -> dict:
    """Generate ``spec_names`` in every format; return their record for ``image.renditions``.

    Pillow lets go of the interpreter while it resizes and encodes, so the
    work runs on ``RENDITION_THREADS`` threads: a camera photo's upload then
    answers within the two seconds an editor may wait. Files are written from
    this thread, in order, so cleanup after a failure is unchanged.
    """
    storage = image.file.storage
    focal = focal_point(image, master) if set(spec_names) & set(CROPPED_SPECS) else None
    boxes = {
        name: frame_box(image, master, SPECS[name], focal)
        for name in spec_names
        if SPECS[name].ratio
    }
    uncropped = [name for name in spec_names if name not in boxes]
    with ThreadPoolExecutor(max_workers=RENDITION_THREADS) as pool:
        family = pool.submit(render_uncropped, master, uncropped)
        crops = {
            name: pool.submit(render_cropped, master, SPECS[name], box)
            for name, box in boxes.items()
        }
        rendered = {**family.result(), **{n: job.result() for n, job in crops.items()}}
        # One task per picture: Pillow keeps a save's options on the image
        # object, so two formats of one picture are never encoded at once.
        encoded = {
            name: pool.submit(encode_formats, rendered[name]) for name in spec_names
        }
        record = {}
        for name in spec_names:
            spec, picture = SPECS[name], rendered[name]
            recipe = f"{spec.width}x{spec.height}:{master.size}:{boxes.get(name)}"
            entry = {"width": picture.width, "height": picture.height}
            for extension in RENDITION_FORMATS:
                file_name = rendition_name(image, name, extension, recipe)
                data = encoded[name].result()[extension]
                write_file(storage, file_name, data, written, reuse=reuse)
                entry[extension] = file_name
            record[name] = entry
    return record


def rendition_names(renditions: dict) -> set[str]:
    return {
        entry[extension]
        for entry in renditions.values()
        for extension in RENDITION_FORMATS
        if extension in entry
    }


def stored_names(image: Image) -> list[str]:
    """Every file of ``image``: the original and all its renditions."""
    names = [image.file.name] if image.file else []
    return names + sorted(rendition_names(image.renditions or {}))


def delete_stored_files(names, storage) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception as error:  # any backend's failure; the rest still go
            logger.warning("could not delete %s: %s", name, error)


# Where the library's files live (see ``image_upload_to`` and ``rendition_name``).
LIBRARY_FOLDERS = ("images", "renditions")


def library_storage():
    return Image._meta.get_field("file").storage


def walk(storage, folder: str) -> Iterator[str]:
    """Every file name under ``folder``, by ``Storage.listdir`` (S3 included)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored there
        return
    for name in files:
        yield f"{folder}/{name}"
    for child in folders:
        yield from walk(storage, f"{folder}/{child}")


def referenced_names() -> set[str]:
    """Every original and rendition that a library photo records."""
    names = set()
    for original, renditions in Image.objects.values_list("file", "renditions"):
        names.add(original)
        names |= rendition_names(renditions or {})
    return names


def orphaned_files(*, older_than: timedelta) -> list[str]:
    """Library files no photo references, last written more than ``older_than`` ago.

    Files are left behind when the transaction around ``store_image`` rolls
    back after the files were written. The grace period keeps uploads in
    flight (files written, row not yet committed) safe, and the files are
    listed before the references are read, so a row committed meanwhile
    still counts.
    """
    storage = library_storage()
    cutoff = timezone.now() - older_than
    candidates = [
        name
        for folder in LIBRARY_FOLDERS
        for name in walk(storage, folder)
        if storage.get_modified_time(name) < cutoff
    ]
    referenced = referenced_names()
    return sorted(name for name in candidates if name not in referenced)


def remove_rendition_folders(removed: list[str]) -> None:
    """On a local disk, the rendition folders of originals just removed.

    Each original has a folder of its own (named after its random stem), so
    nothing else can be writing into it; the month folders of originals are
    shared with uploads in flight and stay. Object stores have no folders.
    """
    storage = library_storage()
    try:
        storage.path("")
    except NotImplementedError:
        return
    for name in removed:
        path = PurePosixPath(name)
        if path.parts[0] != "images":
            continue
        try:
            os.rmdir(storage.path(f"renditions/{path.stem}"))
        except OSError:  # still holds files (or never had any)
            continue


# --- Services ----------------------------------------------------------------------


def store_image(
    *,
    image: Image,
    decoded: PILImage.Image,
    facts: InspectedImage,
    original_filename: str,
    user=None,
) -> Image:
    """Save a validated upload: the cleaned original, its renditions, then the row.

    Files are written first; if anything fails before the row is saved, every
    file written (partial ones included) is deleted again and
    ``ImageStorageError`` says so, so a refused save leaves nothing behind.
    """
    storage = image.file.storage
    master_bytes, master = clean_original(decoded, facts.format)
    image.format = facts.format
    image.content_hash = facts.content_hash
    image.file_size = len(master_bytes)
    # The stored original's own size (the master may be decoded smaller).
    image.width, image.height = PILImage.open(io.BytesIO(master_bytes)).size
    image.original_filename = original_filename[-255:]
    if user is not None and image.uploaded_by_id is None:
        image.uploaded_by = user
    written: list[str] = []
    try:
        name = image.file.field.generate_filename(image, "upload")
        # Assigning the name (not the upload) marks the file as stored: the raw
        # upload, metadata and all, must never be written by FileField.pre_save.
        image.file = write_file(storage, name, master_bytes, written)
        image.renditions = make_renditions(image, master, list(SPECS), written)
        with transaction.atomic():
            image.save()
    except (OSError, DatabaseError) as error:
        delete_stored_files(written, storage)
        image.file = None
        logger.warning("photo %r not stored: %s", original_filename, error)
        raise ImageStorageError(
            _(
                "The photo could not be stored (%(reason)s). Nothing was saved; "
                "try again, and tell the technical team if it keeps failing."
            )
            % {
                "reason": _("storage failed")
                if isinstance(error, OSError)
                else _("database unavailable")
            }
        ) from error
    except BaseException:
        delete_stored_files(written, storage)
        raise
    return image


def _replace_renditions(image: Image, spec_names, *, reuse: bool) -> None:
    """Write ``spec_names`` for a locked ``image``; old files go once this commits."""
    storage = image.file.storage
    written: list[str] = []
    try:
        new = make_renditions(
            image, open_master(image), spec_names, written, reuse=reuse
        )
    except BaseException:
        delete_stored_files(written, storage)
        raise
    before = rendition_names(image.renditions or {})
    image.renditions = {**(image.renditions or {}), **new}
    image.save(update_fields=["renditions"])
    obsolete = before - rendition_names(image.renditions)
    if obsolete:
        transaction.on_commit(lambda: delete_stored_files(sorted(obsolete), storage))


def ensure_renditions(image: Image, spec_names) -> dict:
    """``image.renditions`` with ``spec_names`` present, making the missing ones once.

    The image's row is locked while they are made, so two requests that need
    the same new rendition produce one file: the second waits, then finds it
    recorded. SQLite in shared-cache mode reports a locked table at once
    instead of waiting for its busy timeout, so that contention is retried.
    """
    if all(name in image.renditions for name in spec_names):
        return image.renditions
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                locked = Image.objects.select_for_update().get(pk=image.pk)
                missing = [name for name in spec_names if name not in locked.renditions]
                if missing:
                    _replace_renditions(locked, missing, reuse=True)
            break
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    image.renditions = locked.renditions
    return image.renditions


def rendition_entries(image: Image, spec_names) -> list[dict]:
    """The stored renditions of ``spec_names``, one per width, smallest first.

    A rendition that cannot be made (storage down, original missing) is left
    out and logged, so a page falls back to what exists instead of failing.
    """
    try:
        renditions = ensure_renditions(image, spec_names)
    except Exception as error:  # any storage or decoder failure
        logger.warning("renditions of image %s unavailable: %s", image.pk, error)
        renditions = image.renditions or {}
    by_width = {}
    for name in spec_names:
        if (entry := renditions.get(name)) and entry["width"] not in by_width:
            by_width[entry["width"]] = entry
    return [by_width[width] for width in sorted(by_width)]


@transaction.atomic
def regenerate_renditions(image: Image, spec_names=None, *, force=False) -> Image:
    """Make ``spec_names`` (default: all) again from the stored original.

    Unchanged recipes keep their files unless ``force``; specs no longer
    defined are dropped, and their files deleted on commit.
    """
    locked = Image.objects.select_for_update().get(pk=image.pk)
    spec_names = list(spec_names or SPECS)
    retired = {
        name: entry for name, entry in locked.renditions.items() if name not in SPECS
    }
    _replace_renditions(locked, spec_names, reuse=not force)
    if retired:
        locked.renditions = {k: v for k, v in locked.renditions.items() if k in SPECS}
        locked.save(update_fields=["renditions"])
        storage = locked.file.storage
        names = sorted(rendition_names(retired))
        transaction.on_commit(lambda: delete_stored_files(names, storage))
    image.renditions = locked.renditions
    return locked


def delete_image(*, image: Image, user: AbstractBaseUser) -> None:
    """Remove a photo from the library, unless a story uses it.

    Its files are deleted once the deletion commits (``articles.signals``).
    """
    if not user.has_perm("articles.delete_image"):
        raise PermissionDenied(_("You may not delete photos."))
    stories = list(image.stories().order_by("headline")[:20])
    if stories:
        raise ImageInUse(image, stories)
    logger.info("image %s deleted by %s", image.pk, user.get_username())
    image.delete()
