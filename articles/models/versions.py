"""The content version: a counter of changes readers could see."""

from django.db import models


class ContentVersion(models.Model):
    """How many changes readers could see have been made: one row, raised as
    each such change commits (``articles.delivery.cache.record_change``).

    Cached pages are stored under this number as well as the shared cache's
    generation, so a change whose bump of the generation never reached the
    cache (a server cut off from Redis, a worker recycled after a failed
    bump) still makes the pages stored before it stale.
    """

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.number}"
