"""Storing photos and their renditions, through Django's storage API only.

The stored "original" is a re-encoded copy: orientation applied, GPS and other
EXIF, XMP and IPTC dropped, trailing data (polyglots) gone, the ICC colour
profile kept. Renditions are generated at upload time with deterministic
names and recorded on the image, so pages render ``<picture>`` markup without
touching storage or the database.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps

from .models import Image
from .validators import InspectedImage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenditionSpec:
    width: int
    height: int | None = None  # None keeps the original aspect ratio


SPECS = {
    "thumb": RenditionSpec(160, 160),
    "card-320": RenditionSpec(320, 180),
    "card-640": RenditionSpec(640, 360),
    "lead-640": RenditionSpec(640),
    "lead-1024": RenditionSpec(1024),
    "lead-1600": RenditionSpec(1600),
    "social": RenditionSpec(1200, 630),
}
RENDITION_FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}),
                     "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True})}  # fmt: skip
ORIGINAL_SAVE_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"optimize": True},
    "GIF": {},
    "WEBP": {"quality": 90},
}


def normalise_mode(image: PILImage.Image) -> PILImage.Image:
    """Bring CMYK, 16-bit and palette images to a mode every encoder accepts."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda value: value / 256).convert("L")
    if image.mode == "CMYK":
        return image.convert("RGB")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("LA", "PA"):
        return image.convert("RGBA")
    if image.mode not in ("RGB", "RGBA", "L"):
        return image.convert("RGB")
    return image


def encode(image: PILImage.Image, image_format: str, options: dict, icc) -> bytes:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = flatten(image)
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    image.save(buffer, format=image_format, **options, **extra)
    return buffer.getvalue()


def flatten(image: PILImage.Image) -> PILImage.Image:
    """Composite transparency onto white (JPEG has no alpha)."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def clean_master(
    image: PILImage.Image, image_format: str
) -> tuple[PILImage.Image, bytes]:
    """The upright, metadata-free copy that is stored as the library original."""
    icc = image.info.get("icc_profile") if image.mode != "CMYK" else None
    if image_format == "GIF" and getattr(image, "n_frames", 1) > 1:
        image.seek(0)
        buffer = io.BytesIO()
        image.save(buffer, format="GIF", save_all=True)
        return normalise_mode(image.copy()), buffer.getvalue()
    upright = normalise_mode(ImageOps.exif_transpose(image))
    return upright, encode(
        upright, image_format, ORIGINAL_SAVE_OPTIONS[image_format], icc
    )


def crop_box(width: int, height: int, target_ratio: float, focal: tuple[float, float]):
    """The largest box of ``target_ratio`` centred as near the focal point as fits."""
    if width / height > target_ratio:
        crop_width, crop_height = round(height * target_ratio), height
    else:
        crop_width, crop_height = width, round(width / target_ratio)
    left = min(max(round(focal[0] * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focal[1] * height - crop_height / 2), 0), height - crop_height)
    return left, top, left + crop_width, top + crop_height


def render(master: PILImage.Image, spec: RenditionSpec, focal) -> PILImage.Image:
    if spec.height is None:
        width = min(spec.width, master.width)
        height = max(1, round(master.height * width / master.width))
        return master.resize((width, height), PILImage.Resampling.LANCZOS)
    box = crop_box(master.width, master.height, spec.width / spec.height, focal)
    return master.resize(
        (spec.width, spec.height), PILImage.Resampling.LANCZOS, box=box
    )


def rendition_name(image: Image, spec_name: str, extension: str) -> str:
    """Deterministic, and unique per stored original (whose name storage made unique)."""
    stem = PurePosixPath(image.file.name).stem
    return f"renditions/{stem}/{spec_name}.{extension}"


def write_renditions(image: Image, master: PILImage.Image, storage=None) -> dict:
    """Generate every spec in every format; return the record to keep on the image."""
    storage = storage or default_storage
    focal = (image.focal_x if image.focal_x is not None else 0.5,
             image.focal_y if image.focal_y is not None else 0.5)  # fmt: skip
    icc = master.info.get("icc_profile")
    record = {}
    for spec_name, spec in SPECS.items():
        rendered = render(master, spec, focal)
        entry = {"width": rendered.width, "height": rendered.height}
        for extension, (image_format, options) in RENDITION_FORMATS.items():
            name = rendition_name(image, spec_name, extension)
            if storage.exists(name):
                storage.delete(name)
            storage.save(
                name, ContentFile(encode(rendered, image_format, options, icc))
            )
            entry[extension] = name
        record[spec_name] = entry
    return record


def delete_files(image: Image, storage=None) -> None:
    storage = storage or default_storage
    names = [image.file.name] if image.file else []
    for entry in image.renditions.values():
        names.extend(entry[extension] for extension in RENDITION_FORMATS)
    for name in names:
        storage.delete(name)


def store_image(*, image: Image, decoded: PILImage.Image, facts: InspectedImage,
                original_filename: str, user=None) -> Image:  # fmt: skip
    """Save a validated upload: the cleaned original, its renditions, then the row.

    Files are written first; if anything fails before the transaction
    commits, every file written is deleted again, so a refused save leaves
    nothing behind under MEDIA_ROOT.
    """
    master, master_bytes = clean_master(decoded, facts.format)
    image.format = facts.format
    image.content_hash = facts.content_hash
    image.file_size = len(master_bytes)
    image.width, image.height = master.size
    image.original_filename = original_filename[-255:]
    if user is not None and image.uploaded_by_id is None:
        image.uploaded_by = user
    image.file.save("upload", ContentFile(master_bytes), save=False)
    try:
        image.renditions = write_renditions(image, master)
        with transaction.atomic():
            image.save()
    except Exception:
        delete_files(image)
        raise
    return image


def regenerate_renditions(image: Image) -> None:
    with default_storage.open(image.file.name, "rb") as stored:
        master = normalise_mode(
            PILImage.open(stored, formats=list(ORIGINAL_SAVE_OPTIONS))
        )
        master.load()
    image.renditions = write_renditions(image, master)
    image.save(update_fields=["renditions"])
