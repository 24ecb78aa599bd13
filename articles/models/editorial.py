"""The editorial record: revisions, workflow events, corrections, share links and who has a story open."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import PlainTextAreaField, audit_user
from articles.models.content import Article


class Revision(models.Model):
    """A full snapshot of a story's content, stored on every save."""

    # Indexed first in ``revision_unique_number_per_story``.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    number = models.PositiveIntegerField(_("number"))
    snapshot = models.JSONField(_("snapshot"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = audit_user(_("created by"))
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_unique_number_per_story"
            )
        ]

    def __str__(self):
        return _("Revision %(number)s of “%(headline)s”") % {
            "number": self.number,
            "headline": self.snapshot.get("headline", ""),
        }


class WorkflowEvent(models.Model):
    """The editorial audit trail: who moved a story, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved and published")
        SCHEDULED = "scheduled", _("Approved and scheduled")
        SENT_BACK = "sent_back", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REDRAFTED = "redrafted", _("Returned to draft")
        RESTORED = "restored", _("Revision restored")
        WENT_LIVE = "went_live", _("Went live")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events"
    )
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = audit_user(_("by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = PlainTextAreaField(_("comment"), blank=True, max_length=2000)
    from_status = models.CharField(
        max_length=20, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(
        max_length=20, choices=Article.Status.choices, blank=True
    )
    publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"


class Correction(models.Model):
    """A public note that an approved change corrected the story."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    revision = models.ForeignKey(
        Revision, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = PlainTextAreaField(_("correction note"), max_length=1000)
    created_at = models.DateTimeField(
        _("corrected at"), default=timezone.now, db_index=True
    )
    created_by = audit_user()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return self.note


class PreviewLink(models.Model):
    """A signed, expiring, revocable share link to a story's latest revision."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = audit_user()
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.article} (until {self.expires_at:%Y-%m-%d %H:%M})"


class EditPresence(models.Model):
    """Who has a story's edit form open: a soft lock that only informs, never blocks."""

    # Indexed first in ``edit_presence_unique``.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="edit_presence_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.article}"
