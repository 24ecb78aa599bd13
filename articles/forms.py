from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Image
from .validators import inspect_image_upload, max_pixels, max_upload_bytes


class ImageForm(forms.ModelForm):
    """Library image form: the upload is fully validated before anything is stored."""

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspected = None
        if self.instance.pk:
            # A library photo is never swapped under the stories that use it:
            # a new photo is a new library image.
            del self.fields["file"]
        else:
            self.fields["file"].help_text = _(
                "JPEG, PNG, GIF or WebP; up to %(megabytes)s MB and %(megapixels)s "
                "megapixels. Location data is removed from every published copy."
            ) % {
                "megabytes": max_upload_bytes() // (1024 * 1024),
                "megapixels": max_pixels() // 1_000_000,
            }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.inspected = inspect_image_upload(upload)
        return upload
