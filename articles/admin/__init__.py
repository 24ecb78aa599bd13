"""The admin: stories with the workflow's pages, and the photo library.

Importing the modules registers their ModelAdmins (``admin.autodiscover``
imports this package).
"""

from articles.admin import photos, stories

__all__ = ["photos", "stories"]
