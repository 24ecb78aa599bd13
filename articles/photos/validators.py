"""Upload validation, one rule at a time, each with a stable error code.

Nothing here writes to storage: a file is inspected fully in memory (or in
the upload's temporary file) before any row or media file exists. The order
matters: cheap checks on the declared sizes come before any pixel is decoded.
"""

import contextlib
import hashlib
import ipaddress
import logging
import re
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError, features

logger = logging.getLogger(__name__)

# Only these decoders are ever reached: exotic parsers (EPS runs Ghostscript,
# FITS, PSD, TIFF…) stay unreachable even for a file that claims to be a JPEG.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP") + (
    ("AVIF",) if features.check("avif") else ()
)
# The usual extension first.
EXTENSIONS_BY_FORMAT = {
    "JPEG": ("jpg", "jpeg", "jpe"),
    "PNG": ("png",),
    "GIF": ("gif",),
    "WEBP": ("webp",),
    "AVIF": ("avif",),
}


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


def megapixels_label() -> str:
    """The pixel cap as people read it: "60", or "0.1" for a tiny test cap."""
    return f"{max_pixels() / 1_000_000:g}"


def max_frames() -> int:
    return settings.NEWSROOM_IMAGE_MAX_FRAMES


def accepted_formats_label() -> str:
    names = [
        {"WEBP": "WebP", "AVIF": "AVIF"}.get(name, name) for name in ACCEPTED_FORMATS
    ]
    return _("%(names)s or %(last)s") % {
        "names": ", ".join(names[:-1]),
        "last": names[-1],
    }


@contextlib.contextmanager
def pillow_limits() -> Iterator[None]:
    """Pillow's own bomb check at the project's pixel cap, its warning an error.

    Pillow only warns between one and two times ``MAX_IMAGE_PIXELS``; its
    security handbook says to treat that warning as an error. The cap is set
    from the setting each time, so every code path that opens an image (upload,
    renditions, commands) shares one limit.
    """
    PILImage.MAX_IMAGE_PIXELS = max_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        yield


def too_many_pixels_error(width=None, height=None) -> ValidationError:
    limit = megapixels_label()
    if width and height:
        message = _(
            "The image is %(width)s×%(height)s pixels; the limit is %(limit)s "
            "megapixels. Resize it before uploading."
        ) % {"width": width, "height": height, "limit": limit}
    else:
        message = _(
            "The image is larger than the limit of %(limit)s megapixels. "
            "Resize it before uploading."
        ) % {"limit": limit}
    return ValidationError(message, code="too_many_pixels")


def validate_not_empty(upload) -> None:
    if not upload.size:
        raise ValidationError(
            _("The file is empty. Choose a photo to upload."), code="empty"
        )


def validate_upload_size(upload) -> None:
    """Refuse files over the byte limit; the upload handler stopped storing them."""
    if upload.size <= max_upload_bytes():
        return
    if getattr(upload, "refused_for_size", False):
        message = _(
            "The file is larger than the limit of %(limit)s, so it was not uploaded. "
            "Export a smaller version."
        ) % {"limit": filesizeformat(max_upload_bytes())}
    else:
        message = _(
            "The file is %(size)s; the limit is %(limit)s. Export a smaller version."
        ) % {
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(max_upload_bytes()),
        }
    raise ValidationError(message, code="file_too_large")


def unreadable_error(exc: Exception) -> ValidationError:
    """One message per kind of decoder complaint, never the decoder's own text."""
    if isinstance(
        exc, PILImage.DecompressionBombError | PILImage.DecompressionBombWarning
    ):
        return too_many_pixels_error()
    if isinstance(exc, ValueError) and "too large" in str(exc).lower():
        return ValidationError(
            _(
                "The file carries embedded text or metadata larger than allowed. "
                "Export the photo again without it."
            ),
            code="metadata_too_large",
        )
    return ValidationError(
        _("The image is damaged or incomplete and cannot be read. Export it again."),
        code="undecodable",
    )


def open_accepted_image(upload) -> PILImage.Image:
    upload.seek(0)
    try:
        with pillow_limits():
            return PILImage.open(upload, formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as exc:
        raise ValidationError(
            _(
                "This file is not a %(formats)s image. Other formats (including SVG, "
                "PDF and EPS) are not accepted."
            )
            % {"formats": accepted_formats_label()},
            code="unsupported_format",
        ) from exc
    except Exception as exc:
        raise unreadable_error(exc) from exc


def validate_extension_matches(filename: str, image_format: str) -> None:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in EXTENSIONS_BY_FORMAT[image_format]:
        return
    expected = EXTENSIONS_BY_FORMAT[image_format][0]
    if not extension:
        message = _(
            "The file name has no extension but the file is a %(format)s image. "
            "Rename it to end in “.%(expected)s” and upload it again."
        ) % {"format": image_format, "expected": expected}
    else:
        message = _(
            "The file name ends in “.%(extension)s” but the file is a %(format)s "
            "image. Rename it with the right extension and upload it again."
        ) % {"extension": extension[:10], "format": image_format}
    raise ValidationError(message, code="extension_mismatch")


def gif_frame_boxes(fp, *, limit: int) -> tuple[tuple[int, int], list[tuple]]:
    """The logical screen and each frame's declared (left, top, width, height).

    Read from the block structure alone, without decoding any pixel, so a
    later frame that grows the canvas (CVE-2022-45198's class) is caught
    before Pillow allocates it. Stops after ``limit + 1`` frames.
    """
    fp.seek(0)
    header = fp.read(13)
    if len(header) < 13 or header[:3] != b"GIF":
        raise ValidationError(
            _(
                "The image is damaged or incomplete and cannot be read. Export it again."
            ),
            code="undecodable",
        )
    screen = struct.unpack("<HH", header[6:10])
    if header[10] & 0x80:
        fp.seek(3 * 2 ** ((header[10] & 0x07) + 1), 1)
    boxes = []
    while len(boxes) <= limit:
        introducer = fp.read(1)
        if introducer == b"!":
            fp.read(1)
            _skip_sub_blocks(fp)
        elif introducer == b",":
            descriptor = fp.read(9)
            if len(descriptor) < 9:
                break
            boxes.append(struct.unpack("<HHHH", descriptor[:8]))
            if descriptor[8] & 0x80:
                fp.seek(3 * 2 ** ((descriptor[8] & 0x07) + 1), 1)
            fp.read(1)  # LZW minimum code size
            _skip_sub_blocks(fp)
        else:  # trailer, end of file or trailing junk
            break
    fp.seek(0)
    return screen, boxes


def _skip_sub_blocks(fp) -> None:
    while (length := fp.read(1)) and length[0]:
        fp.seek(length[0], 1)


def declared_canvas(image: PILImage.Image, upload) -> tuple[int, int, int]:
    """Width, height and frame count as the file declares them, nothing decoded."""
    if image.format == "GIF":
        (width, height), boxes = gif_frame_boxes(upload, limit=max_frames())
        for left, top, frame_width, frame_height in boxes:
            width = max(width, left + frame_width)
            height = max(height, top + frame_height)
        return width, height, max(len(boxes), 1)
    return image.width, image.height, max(getattr(image, "n_frames", 1), 1)


def validate_pixel_count(image: PILImage.Image, upload) -> int:
    """Check the canvas and frames the file declares, before any pixel is decoded.

    Frames count against the pixel budget (width × height × frames), so a
    long full-size animation is refused like one huge still.
    """
    width, height, frames = declared_canvas(image, upload)
    if frames > max_frames():
        raise ValidationError(
            _("The animation has more than %(limit)s frames; the limit is %(limit)s.")
            % {"limit": max_frames()},
            code="too_many_frames",
        )
    if width * height > max_pixels():
        raise too_many_pixels_error(width, height)
    if width * height * frames > max_pixels():
        raise ValidationError(
            _(
                "The animation has %(frames)s frames of %(width)s×%(height)s pixels; "
                "all frames together may hold at most %(limit)s megapixels."
            )
            % {
                "frames": frames,
                "width": width,
                "height": height,
                "limit": megapixels_label(),
            },
            code="too_many_pixels",
        )
    return frames


def validate_decodes(image: PILImage.Image) -> None:
    """Decode the first frame fully; any decoder complaint refuses the file."""
    try:
        with pillow_limits():
            image.load()
    except Exception as exc:
        raise unreadable_error(exc) from exc


def content_hash(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def inspect_image_upload(upload) -> tuple[PILImage.Image, InspectedImage]:
    """Run every upload rule on ``upload``; return the decoded image and its facts."""
    try:
        validate_not_empty(upload)
        validate_upload_size(upload)
        image = open_accepted_image(upload)
        validate_extension_matches(upload.name or "", image.format)
        frames = validate_pixel_count(image, upload)
        validate_decodes(image)
    except ValidationError as error:
        logger.warning(
            "image upload refused (%s): %r", error.error_list[0].code, upload.name
        )
        raise
    facts = InspectedImage(
        format=image.format,
        width=image.width,
        height=image.height,
        frames=frames,
        file_size=upload.size,
        content_hash=content_hash(upload),
    )
    return image, facts


# --- A photo's source URL ------------------------------------------------------------

# Names that only mean something inside a network (RFC 6761, 6762, 8375 and
# common practice): a link to one is useless to readers and points at our own.
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def source_url_error() -> ValidationError:
    return ValidationError(
        _(
            "Give a public web address starting with http:// or https://, e.g. "
            "“https://www.example-agency.com/photo/123”; internal and local "
            "addresses are not accepted."
        ),
        code="source_url_not_public",
    )


def _is_public_host(host: str) -> bool:
    host = host.rstrip(".").lower()
    labels = host.split(".")
    if all(_NUMERIC_LABEL.match(label) for label in labels) or ":" in host:
        # An IP address, in any of the spellings browsers accept (127.1,
        # 0x7f.0.0.1, 2130706433): only a plain, public one passes.
        try:
            return ipaddress.ip_address(host).is_global
        except ValueError:
            return False
    return (
        len(labels) > 1 and host != "localhost" and not host.endswith(_PRIVATE_SUFFIXES)
    )


def validate_public_web_url(value: str) -> None:
    """An http(s) address on a public host name or address, never an internal one."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError as exc:
        raise source_url_error() from exc
    if parts.scheme not in {"http", "https"} or not _is_public_host(host):
        raise source_url_error()
