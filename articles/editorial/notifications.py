"""E-mails about workflow events: to moderators on submission, to writers after
review and when a scheduled story goes live.

Sent after the transaction commits, so a rolled-back transition never mails
anyone; a mail server failure is logged and never undoes the transition.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import WorkflowEvent

logger = logging.getLogger(__name__)
Action = WorkflowEvent.Action

SUBJECTS = {
    Action.SUBMITTED: _("For review: %(headline)s"),
    Action.APPROVED: _("Published: %(headline)s"),
    Action.SCHEDULED: _("Scheduled: %(headline)s"),
    Action.SENT_BACK: _("Sent back: %(headline)s"),
    Action.WITHDRAWN: _("Withdrawn: %(headline)s"),
    Action.WENT_LIVE: _("Live now: %(headline)s"),
}


def moderators():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="Moderators")
        .exclude(email="")
    )


def writers(article):
    """The story's creator and the staff on its byline."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            pk__in=[
                article.created_by_id,
                *article.bylines.values_list("author__user", flat=True),
            ]
        )
    )


def recipients(event) -> list[str]:
    people = (
        moderators() if event.action == Action.SUBMITTED else writers(event.article)
    )
    return sorted({user.email for user in people.exclude(pk=event.actor_id)})


def message_body(event) -> str:
    article = event.article
    done = {"action": event.get_action_display()}
    if event.actor:  # the scheduler acts for nobody
        done["actor"] = event.actor.get_username()
    lines = [
        (_("%(action)s by %(actor)s.") if event.actor else _("%(action)s.")) % done,
        "",
        article.headline,
    ]
    if event.comment:
        lines += ["", _("Comment:"), event.comment]
    if event.publish_at:
        lines += [
            "",
            _("Publication time: %(when)s") % {"when": event.publish_at.isoformat()},
        ]
    admin_url = reverse("admin:articles_article_change", args=[article.pk])
    lines += ["", settings.SITE_URL + admin_url]
    return "\n".join(lines)


def workflow_event(event_id: int) -> None:
    event = WorkflowEvent.objects.select_related("article", "actor").get(pk=event_id)
    if event.action not in SUBJECTS:
        return
    to = recipients(event)
    if not to:
        return
    subject = SUBJECTS[event.action] % {"headline": event.article.headline[:150]}
    message = (subject, message_body(event), settings.DEFAULT_FROM_EMAIL, to)
    try:
        send_mass_mail([message], fail_silently=False)
    except Exception:
        logger.exception("could not send workflow e-mail for event %s", event_id)
