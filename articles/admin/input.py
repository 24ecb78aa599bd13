"""Row ids as a browser (or anyone) sends them, read without trusting them.

A form field refuses an id that is not a number; the pieces of the admin that
look ids up before any form has checked them (widgets showing a refused form
again, list actions) go through ``row_id`` so a stray "1.0" or an id beyond
the database's integers is an error message, never a 500.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

# The largest id a 64-bit integer column holds (PostgreSQL bigint, SQLite).
LARGEST_ID = 2**63 - 1


def row_id(value) -> int | None:
    """``value`` as a row id, or None when it cannot be one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= LARGEST_ID else None


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, showing a refused form again without looking
    up values that are not ids (Django's own lookup raises on them)."""

    def optgroups(self, name, value, attr=None):
        ids = [str(number) for item in value if (number := row_id(item)) is not None]
        return super().optgroups(name, ids, attr)


class CheckedSelectionMixin:
    """List actions run only on a selection of real ids; another selection
    is refused with a message and nothing changes."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(row_id(value) is None for value in selected):
            messages.error(
                request, _("The selection was not understood; nothing was changed.")
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
