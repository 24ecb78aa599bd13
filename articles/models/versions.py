"""The record of changes readers could see: a counter and a log of what each
change touched."""

from django.db import models


class ContentVersion(models.Model):
    """How many changes readers could see have been made: one row, raised as
    each such change commits (``articles.delivery.cache.log_change``).

    The row is raised and the change's ``Change`` written in one short
    transaction, so the row's lock puts changes in the log in the order they
    commit: a process reading the log after number N never finds a change
    numbered below N committing later.
    """

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.number}"


class Change(models.Model):
    """One committed change readers could see, and the dependency keys it
    touched (``articles.delivery.dependencies``), space-separated.

    Every app process reads the log forward (``cache.ChangeLog``), at least
    once a second, so a change whose announcement through the shared cache
    was lost still stales exactly the pages showing what it touched. The
    oldest rows are deleted as new ones come (``cache.KEPT_CHANGES``).
    """

    number = models.PositiveBigIntegerField(primary_key=True)
    keys = models.TextField()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"change {self.number}: {self.keys}"
