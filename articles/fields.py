"""Model fields: text cleaned on every save whatever the path, and the audit-user link."""

from django.conf import settings
from django.db import models
from django_prose_editor.fields import ProseEditorField

from articles.text import (
    clean_text,
    rich_text_limits_help,
    sanitize_html,
    validate_rich_text_limits,
)


class _CleanedOnSave:
    """Clean in ``to_python`` (so form validation and length limits see the
    cleaned value) and again in ``pre_save`` (so ``save()`` and ``bulk_create()``
    from code never store raw text)."""

    def clean_value(self, value):
        raise NotImplementedError

    def to_python(self, value):
        value = super().to_python(value)
        return self.clean_value(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = self.clean_value(value)
            setattr(model_instance, self.attname, value)
        return value


class PlainTextField(_CleanedOnSave, models.CharField):
    """A one-line text: normalised, without control or bidi-override characters."""

    def clean_value(self, value):
        return clean_text(value)


class PlainTextAreaField(_CleanedOnSave, models.TextField):
    """Like ``PlainTextField`` but keeps line breaks."""

    def clean_value(self, value):
        return clean_text(value, multiline=True)


RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"protocols": ["http", "https", "mailto"]},
    "History": True,
    # The library switches the browser's spellchecker off; reporters expect it.
    "NoSpellCheck": False,
}


class SanitizedHTMLField(_CleanedOnSave, ProseEditorField):
    """Rich text edited with ProseMirror and stored only after nh3 sanitising."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", dict(RICH_TEXT_EXTENSIONS))
        kwargs.setdefault("sanitize", sanitize_html)
        super().__init__(*args, **kwargs)

    def clean_value(self, value):
        return sanitize_html(value)

    def formfield(self, **kwargs):
        """The form checks the size and nesting limits before the model sanitises."""
        field = super().formfield(**kwargs)
        field.validators.append(validate_rich_text_limits)
        limits = rich_text_limits_help()
        field.help_text = f"{field.help_text} {limits}" if field.help_text else limits
        return field


def audit_user(verbose_name=None, **options) -> models.ForeignKey:
    """Who did something to a row: the link survives the account's deletion
    as an empty value (the record stays), and users get no reverse accessor."""
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    options = {
        "null": True,
        "on_delete": models.SET_NULL,
        "related_name": "+",
        **options,
    }
    return models.ForeignKey(settings.AUTH_USER_MODEL, **options)
