"""Forms of the photo library: upload, edit (with focal point and crops), upload many."""

from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from articles import tagging
from articles.models import Image
from articles.photos.embedded_metadata import EmbeddedMetadata, read_embedded_metadata
from articles.photos.images import CROP_RATIOS
from articles.photos.validators import (
    accepted_formats_label,
    inspect_image_upload,
    max_upload_bytes,
    megapixels_label,
    validate_public_web_url,
)


def upload_help_text() -> str:
    return _(
        "%(formats)s; up to %(megabytes)s MB and %(megapixels)s megapixels. "
        "Location data is removed from every published copy."
    ) % {
        "formats": accepted_formats_label(),
        "megabytes": max_upload_bytes() // (1024 * 1024),
        "megapixels": megapixels_label(),
    }


def duplicate_error(existing: Image) -> forms.ValidationError:
    """Offer the library copy instead of storing the same photo twice."""
    return forms.ValidationError(
        format_html(
            'This photo is already in the library as <a href="{}">“{}”</a> '
            "(uploaded {}). Use that image instead of uploading it again.",
            reverse("admin:articles_image_change", args=[existing.pk]),
            existing.title,
            date_format(localtime(existing.uploaded_at), "j M Y"),
        ),
        code="duplicate",
    )


def check_upload(upload):
    """Every upload rule plus the duplicate check: (decoded, facts, metadata)."""
    decoded, facts = inspect_image_upload(upload)
    existing = Image.objects.filter(content_hash=facts.content_hash).first()
    if existing is not None:
        raise duplicate_error(existing)
    return decoded, facts, read_embedded_metadata(decoded)


def parse_crop(value: str) -> list[float] | None:
    """ "left, top, right, bottom" in percent → fractions, or None when empty."""
    if not value.strip():
        return None
    parts = value.replace(";", ",").split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(0 <= number <= 100 for number in numbers):
        raise forms.ValidationError(
            _(
                "Give four numbers from 0 to 100: left, top, right, bottom, e.g. “10, 0, 90, 70”."
            ),
            code="crop_format",
        )
    left, top, right, bottom = numbers
    if right - left < 5 or bottom - top < 5:
        raise forms.ValidationError(
            _("Right must exceed left, and bottom top, by at least 5 percent."),
            code="crop_too_small",
        )
    return [round(number / 100, 4) for number in numbers]


def crop_text(box) -> str:
    return ", ".join(f"{fraction * 100:g}" for fraction in box) if box else ""


class ImageForm(forms.ModelForm):
    """Library image form: the upload is fully validated before anything is stored.

    Title, caption, credit, copyright note and tags left empty are filled from
    the photo's embedded metadata (cleaned like typed text); ``prefilled``
    lists what was taken, so the editor is told to check it.
    """

    source_url = forms.URLField(
        label=_("Source URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_public_web_url],
        help_text=_(
            "Optional: the public web page the photo came from (http or https), "
            "e.g. an agency's page."
        ),
    )
    crop_card = forms.CharField(required=False, max_length=60)
    crop_square = forms.CharField(required=False, max_length=60)
    crop_social = forms.CharField(required=False, max_length=60)

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "source_url",
            "tags",
            "focal_x",
            "focal_y",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspected = None
        self.metadata = EmbeddedMetadata()
        self.prefilled: list[str] = []
        if self.instance.pk:
            # A library photo is never swapped under the stories that use it:
            # a new photo is a new library image.
            self.fields.pop("file", None)
            for ratio, label in CROP_RATIOS.items():
                if crop := self.fields.get(f"crop_{ratio}"):
                    crop.label = _("Crop %(ratio)s") % {"ratio": label}
                    crop.initial = crop_text((self.instance.crops or {}).get(ratio))
                    crop.help_text = _(
                        "Optional, when the focal point is not enough: left, top, "
                        "right, bottom in percent of the photo, e.g. “10, 0, 90, 70”."
                    )
        else:
            for name in (
                "focal_x",
                "focal_y",
                *(f"crop_{ratio}" for ratio in CROP_RATIOS),
            ):
                self.fields.pop(name, None)
            self.fields["file"].help_text = upload_help_text()
            self.fields["title"].required = False
            self.fields["title"].help_text = _(
                "Leave empty to use the title embedded in the photo, if it has one."
            )
        if "tags" in self.fields:
            tagging.bound_tag_field(self.fields["tags"])
        for name in ("focal_x", "focal_y"):
            if name in self.fields:
                self.fields[name] = forms.FloatField(
                    required=False, min_value=0, max_value=1, widget=forms.HiddenInput
                )

    def clean_tags(self):
        return tagging.clean_tag_names(self.cleaned_data.get("tags") or [])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        decoded, facts, self.metadata = check_upload(upload)
        self.inspected = decoded, facts
        return upload

    def clean(self):
        cleaned = super().clean()
        for ratio in CROP_RATIOS:
            name = f"crop_{ratio}"
            if name in self.fields and name not in self._errors:
                try:
                    cleaned[name] = parse_crop(cleaned.get(name) or "")
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if self.inspected is not None:
            self.prefill_from_metadata(cleaned)
        # Without an accepted file there is no embedded title to look for, and
        # the file's own error is the one that is true.
        if (
            "title" in self.fields
            and not cleaned.get("title")
            and "title" not in self._errors
            and "file" not in self._errors
        ):
            self.add_error(
                "title",
                forms.ValidationError(
                    _("Give the photo a title; the file has none embedded."),
                    code="required",
                ),
            )
        return cleaned

    def prefill_from_metadata(self, cleaned) -> None:
        for name, value in self.metadata.prefill_values().items():
            if not cleaned.get(name):
                cleaned[name] = value
                self.prefilled.append(name)
        if not cleaned.get("tags") and self.metadata.keywords:
            cleaned["tags"] = list(self.metadata.keywords)
            self.prefilled.append("tags")

    def crops(self) -> dict:
        return {
            ratio: box
            for ratio in CROP_RATIOS
            if (box := self.cleaned_data.get(f"crop_{ratio}"))
        }

    def prefilled_labels(self) -> list[str]:
        return [str(self.fields[name].label).lower() for name in self.prefilled]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked on its own later, so one bad
    file never refuses the others."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(
                    self.error_messages["required"], code="required"
                )
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class MultiUploadForm(forms.Form):
    files = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            upload_help_text()
            + " "
            + _(
                "Titles, captions and credits are taken from the photos where they "
                "carry them; check them in the library afterwards."
            )
        )
