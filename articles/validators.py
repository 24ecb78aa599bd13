"""Upload validation, one rule at a time, each with a stable error code.

Nothing here writes to storage: a file is inspected fully in memory (or in
the upload's temporary file) before any row or media file exists.
"""

import hashlib
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage

# Only these decoders are ever reached: exotic parsers (EPS runs Ghostscript,
# FITS, PSD, TIFF…) stay unreachable even for a file that claims to be a JPEG.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
EXTENSIONS_BY_FORMAT = {
    "JPEG": {"jpg", "jpeg", "jpe"},
    "PNG": {"png"},
    "GIF": {"gif"},
    "WEBP": {"webp"},
}
MAX_FRAMES = 200


@dataclass(frozen=True)
class InspectedImage:
    format: str
    width: int
    height: int
    frames: int
    file_size: int
    content_hash: str


def max_upload_bytes() -> int:
    return settings.NEWSROOM_IMAGE_MAX_UPLOAD_BYTES


def max_pixels() -> int:
    return settings.NEWSROOM_IMAGE_MAX_PIXELS


def validate_not_empty(upload) -> None:
    if not upload.size:
        raise ValidationError(
            _("The file is empty. Choose a photo to upload."), code="empty"
        )


def validate_upload_size(upload) -> None:
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Export a smaller version.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_upload_bytes()),
            },
            code="file_too_large",
        )


def open_accepted_image(upload) -> PILImage.Image:
    upload.seek(0)
    try:
        return PILImage.open(upload, formats=ACCEPTED_FORMATS)
    except Exception as exc:
        raise ValidationError(
            _(
                "This file is not a JPEG, PNG, GIF or WebP image. "
                "Other formats (including SVG) are not accepted."
            ),
            code="unsupported_format",
        ) from exc


def validate_extension_matches(filename: str, image_format: str) -> None:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS_BY_FORMAT[image_format]:
        raise ValidationError(
            _(
                "The file name ends in “.%(extension)s” but the file is a %(format)s "
                "image. Rename it with the right extension and upload it again."
            )
            % {"extension": extension[:10], "format": image_format},
            code="extension_mismatch",
        )


def validate_pixel_count(image: PILImage.Image) -> int:
    """Check the canvas the header declares, before any pixel is decoded."""
    frames = getattr(image, "n_frames", 1) if image.format == "GIF" else 1
    if frames > MAX_FRAMES:
        raise ValidationError(
            _("The animation has %(frames)s frames; the limit is %(limit)s.")
            % {"frames": frames, "limit": MAX_FRAMES},
            code="too_many_frames",
        )
    width, height = image.size
    if width * height * frames > max_pixels():
        raise ValidationError(
            _(
                "The image is %(width)s×%(height)s pixels; the limit is "
                "%(limit)s megapixels. Resize it before uploading."
            )
            % {"width": width, "height": height, "limit": max_pixels() // 1_000_000},
            code="too_many_pixels",
        )
    return frames


def validate_decodes(image: PILImage.Image) -> None:
    """Decode the first frame fully; any decoder complaint refuses the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image.load()
    except Exception as exc:
        raise ValidationError(
            _(
                "The image is damaged or incomplete and cannot be read. Export it again."
            ),
            code="undecodable",
        ) from exc


def content_hash(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def inspect_image_upload(upload) -> tuple[PILImage.Image, InspectedImage]:
    """Run every upload rule on ``upload``; return the decoded image and its facts."""
    validate_not_empty(upload)
    validate_upload_size(upload)
    image = open_accepted_image(upload)
    validate_extension_matches(upload.name or "", image.format)
    frames = validate_pixel_count(image)
    validate_decodes(image)
    facts = InspectedImage(
        format=image.format,
        width=image.width,
        height=image.height,
        frames=frames,
        file_size=upload.size,
        content_hash=content_hash(upload),
    )
    return image, facts
