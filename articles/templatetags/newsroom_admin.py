from django import template
from django.db.models import Q

from articles.editorial import workflow
from articles.models import Article, WorkflowEvent

register = template.Library()


@register.simple_tag
def newsroom_inbox(user) -> dict:
    """What needs this user: the review queue for moderators, sent-back stories for writers."""
    inbox = {"queue_count": None, "sent_back": []}
    if not user.is_authenticated:
        return inbox
    if workflow.can_review(user):
        inbox["queue_count"] = Article.objects.filter(
            status=Article.Status.IN_REVIEW
        ).count()
    sent_back = (
        Article.objects.filter(status=Article.Status.CHANGES_REQUESTED)
        .filter(Q(created_by=user) | Q(bylines__author__user=user))
        .distinct()
    )
    for story in sent_back:
        event = (
            story.events.filter(action=WorkflowEvent.Action.SENT_BACK)
            .order_by("-created_at", "-pk")
            .first()
        )
        inbox["sent_back"].append((story, event.comment if event else ""))
    return inbox
