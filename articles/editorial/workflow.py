"""The editorial workflow: every state change of a story, and who may make it.

This module is the only place that changes ``Article.status`` or what readers
see. The admin change form, admin list actions, management commands and any
future API all call these functions, so they behave identically. Each
transition runs in a transaction with the story's row locked, writes a
``WorkflowEvent`` and a log line, and queues its notifications on commit.

States (``Article.Status``) describe the latest version of a story:

    draft ──submit──▶ in_review ──approve──▶ published (scheduled or live)
      ▲                 │    ▲                    │
      │              send back │ submit          withdraw
      │                 ▼    │                    ▼
      └───redraft── changes_requested        withdrawn ──redraft──▶ draft

Editing an approved story leaves the approved content on the row (readers
keep seeing it) and stores the edit as the latest revision; the story goes
back to draft until a moderator approves the change.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles import clock
from articles.editorial import notifications, revisions
from articles.models import Article, Author, Correction, Image, Revision, WorkflowEvent

logger = logging.getLogger(__name__)

Status = Article.Status
Action = WorkflowEvent.Action


class WorkflowError(Exception):
    """A refused transition. The message is shown to the user as is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class EditConflict(WorkflowError):
    """Someone saved the story after this editor opened it."""

    def __init__(self, message: str, *, latest: Revision | None, base_id: int | None):
        super().__init__(message, code="edit_conflict")
        self.latest = latest
        self.base_id = base_id


# --- Who may do what --------------------------------------------------------------

EDITABLE_BY_OWNER = {Status.DRAFT, Status.CHANGES_REQUESTED}


def self_approval_allowed() -> bool:
    return settings.NEWSROOM_ALLOW_SELF_APPROVAL


def can_edit(user, article: Article) -> bool:
    """Reporters edit their own drafts and sent-back stories; editors and
    moderators edit any story; nobody edits a story while it is being reviewed
    except those who may edit any story."""
    if not user.is_active or not user.is_staff:
        return False
    if user.is_superuser or user.has_perm("articles.edit_any_article"):
        return True
    if not user.has_perm("articles.change_article"):
        return False
    return article.status in EDITABLE_BY_OWNER and article.written_by(user)


def can_submit(user, article: Article) -> bool:
    return user.has_perm("articles.submit_article") and can_edit(user, article)


def can_review(user) -> bool:
    return user.is_active and user.has_perm("articles.approve_article")


def can_withdraw(user) -> bool:
    return user.is_active and user.has_perm("articles.withdraw_article")


def is_own_work(user, article: Article) -> bool:
    """Wrote, edited the version under review, or submitted it: the four-eyes rule."""
    latest_author_id = (
        article.latest_revision.created_by_id if article.latest_revision else None
    )
    return (
        article.submitted_by_id == user.pk
        or latest_author_id == user.pk
        or article.written_by(user)
    )


def four_eyes_refusal() -> str:
    return _("You wrote or submitted this story, so another moderator must approve it.")


@dataclass(frozen=True)
class AvailableAction:
    name: str
    label: str
    # Why this user may not take the action now, shown instead of its button.
    refused: str = ""


def available_actions(
    user, article: Article, *, blockers: list[str] | None = None
) -> list[AvailableAction]:
    """The transitions ``user`` may start on ``article`` now (for buttons and menus).

    A submission that would be refused (``approval_blockers``) and an
    approval that the four-eyes rule would refuse are listed with the reason,
    so the page explains instead of offering a dead button.
    """
    actions = []
    if article.status in {Status.DRAFT, Status.CHANGES_REQUESTED} and can_submit(
        user, article
    ):
        if article.pk and (not article.is_approved or article.has_pending_changes):
            if blockers is None:
                blockers = approval_blockers(article)
            refused = (
                _("First fix what would stop a moderator approving it, listed above.")
                if blockers
                else ""
            )
            actions.append(
                AvailableAction("submit", _("Submit for review"), refused=refused)
            )
    if article.status == Status.IN_REVIEW and can_review(user):
        own_work = not self_approval_allowed() and is_own_work(user, article)
        refused = four_eyes_refusal() if own_work else ""
        actions.append(AvailableAction("approve", _("Approve"), refused=refused))
        actions.append(AvailableAction("send_back", _("Send back")))
    if article.is_approved and can_withdraw(user):
        actions.append(AvailableAction("withdraw", _("Withdraw")))
    if article.status == Status.WITHDRAWN and can_edit(user, article):
        actions.append(AvailableAction("redraft", _("Return to draft")))
    return actions


# --- Helpers ------------------------------------------------------------------------


def _locked(article: Article) -> Article:
    """Re-read ``article`` with its row locked for the rest of the transaction."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _record_event(
    article,
    action,
    user,
    *,
    from_status,
    comment="",
    revision=None,
    publish_at=None,
    notify=True,
) -> WorkflowEvent:
    event = WorkflowEvent.objects.create(
        article=article,
        action=action,
        actor=user,
        comment=comment,
        from_status=from_status,
        to_status=article.status,
        revision=revision or article.latest_revision,
        publish_at=publish_at,
    )
    logger.info(
        "workflow %s: story=%s by=%s from=%s to=%s",
        action,
        article.pk,
        getattr(user, "username", None),
        from_status,
        article.status,
    )
    if notify:
        transaction.on_commit(lambda: notifications.workflow_event(event.pk))
    return event


def _refuse(message: str, code: str):
    raise WorkflowError(message, code=code)


def _require(condition: bool, message: str, code: str) -> None:
    if not condition:
        _refuse(message, code)


# --- Saving content -----------------------------------------------------------------


@transaction.atomic
def save_story(
    *,
    article: Article,
    user,
    authors: list[Author],
    tags: list[str],
    base_revision_id: int | None = None,
    gallery: list[dict] | None = None,
    body_images: list[dict] | None = None,
) -> Revision:
    """Save an editor's version of a story and record it as a revision.

    ``gallery`` and ``body_images`` (see ``revisions.PLACEMENTS``) left as None
    keep the photos of the latest revision.

    An approved story keeps its approved content on the row: the edit becomes
    the latest revision and the story returns to draft until a moderator
    approves the change. A save based on an older revision than the latest is
    refused, so nobody silently overwrites someone else's edit.
    """
    is_new = article.pk is None
    if is_new:
        _require(
            user.has_perm("articles.add_article"),
            _("You may not create stories."),
            "forbidden",
        )
        article.created_by = user
        article.status = Status.DRAFT
    else:
        stored = _locked(article)
        _require(can_edit(user, stored), _("You may not edit this story."), "forbidden")
        if stored.latest_revision_id and base_revision_id != stored.latest_revision_id:
            raise EditConflict(
                _("Someone else saved this story after you opened it."),
                latest=stored.latest_revision,
                base_id=base_revision_id,
            )
        article.status = stored.status
        article.live_revision_id = stored.live_revision_id
        article.publish_at = stored.publish_at
        article.first_published_at = stored.first_published_at
        article.content_updated_at = stored.content_updated_at
        article.went_live_at = stored.went_live_at
        article.went_live_announced = stored.went_live_announced
    article.updated_by = user
    if not is_new and stored.latest_revision_id:
        previous = stored.latest_revision.snapshot
        gallery = previous.get("gallery") if gallery is None else gallery
        body_images = (
            previous.get("body_images") if body_images is None else body_images
        )
    snapshot = revisions.take_snapshot(
        article, authors=authors, tags=tags, gallery=gallery, body_images=body_images
    )

    if not is_new and article.is_approved:
        # Readers keep the approved version: only the revision is stored.
        revision = revisions.record(stored, snapshot, user=user)
        from_status = stored.status
        update = {
            "latest_revision": revision,
            "updated_by": user,
            "updated_at": timezone.now(),
        }
        if stored.status == Status.PUBLISHED:
            update["status"] = Status.DRAFT
        Article.objects.filter(pk=stored.pk).update(**update)
        article.refresh_from_db()
        if from_status != article.status:
            logger.info(
                "story %s: changes to an approved story started by %s",
                article.pk,
                user.username,
            )
        return revision

    revisions.apply_to_row(article, snapshot)
    revision = revisions.record(article, snapshot, user=user)
    Article.objects.filter(pk=article.pk).update(latest_revision=revision)
    article.latest_revision = revision
    if is_new:
        _record_event(article, Action.CREATED, user, from_status="", revision=revision)
    return revision


# --- Transitions --------------------------------------------------------------------


@transaction.atomic
def submit(*, article: Article, user) -> Article:
    """Send a draft, a sent-back story or changes to an approved story for review.

    Refused while anything would refuse its approval (``approval_blockers``),
    so nothing reaches the queue that a moderator cannot approve.
    """
    article = _locked(article)
    _require(
        can_submit(user, article), _("You may not submit this story."), "forbidden"
    )
    _require(
        article.status in {Status.DRAFT, Status.CHANGES_REQUESTED},
        _("Only drafts and stories sent back can be submitted; this one is %(status)s.")
        % {"status": article.get_status_display().lower()},
        "invalid_transition",
    )
    _require(
        not article.is_approved or article.has_pending_changes,
        _("There are no changes to submit: readers already see this version."),
        "nothing_to_submit",
    )
    blockers = approval_blockers(article)
    _require(
        not blockers,
        _("This story cannot be approved yet, so it was not submitted. %(problems)s")
        % {"problems": " ".join(blockers)},
        "not_publishable",
    )
    from_status = article.status
    article.status = Status.IN_REVIEW
    article.submitted_by = user
    article.submitted_at = timezone.now()
    article.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _record_event(article, Action.SUBMITTED, user, from_status=from_status)
    return article


def _photo_problems(snapshot: dict) -> list[str]:
    """Each photo the story shows (lead, gallery, body) that lacks alt text or
    credit, named. The library as it is now counts: fixing the photo there is
    enough. A per-story credit override counts as a credit."""
    uses = revisions.image_uses(snapshot)
    library = Image.objects.in_bulk({use["id"] for use in uses})
    problems = []
    for use in uses:
        image = library.get(use["id"])
        if image is None:
            problems.append(
                _("“%(title)s” is no longer in the photo library (%(where)s)")
                % {"title": use["title"], "where": use["where"]}
            )
            continue
        credit = use["credit"] or image.credit
        missing = [
            label
            for label, value in ((_("alt text"), image.alt_text), (_("credit"), credit))
            if not value.strip()
        ]
        if missing:
            problems.append(
                _("“%(title)s” needs %(missing)s (%(where)s)")
                % {
                    "title": image.title,
                    "missing": _(" and ").join(missing),
                    "where": use["where"],
                }
            )
    return problems


def _photos_refusal(problems: list[str]) -> str:
    return _(
        "Photos must have alt text and a credit before the story can be "
        "published: %(problems)s."
    ) % {"problems": "; ".join(problems)}


def approval_blockers(article: Article, *, now: datetime | None = None) -> list[str]:
    """Every rule of the story's latest version that would refuse its approval,
    each named so the writer can fix it before a moderator sees the story."""
    if article.latest_revision is None:
        return []
    snapshot = article.latest_revision.snapshot
    problems = []
    if photos := _photo_problems(snapshot):
        problems.append(_photos_refusal(photos))
    expire_at = revisions.parse_time(snapshot.get("expire_at"))
    if expire_at and expire_at <= (now or clock.now()):
        problems.append(
            _("Its expiry time (%(expiry)s) has passed: change or clear it.")
            % {"expiry": _when(expire_at)}
        )
    return problems


@transaction.atomic
def approve(
    *,
    article: Article,
    user,
    revision_id: int,
    publish_at: datetime | None = None,
    correction_note: str = "",
) -> Article:
    """Approve the revision the moderator reviewed: publish now or at ``publish_at``.

    Refused when a newer revision arrived meanwhile (unseen text is never
    published), when the moderator wrote or submitted the story (four-eyes
    rule, unless self-approval is allowed), or when ``publish_at`` falls
    before the story's embargo or not before its expiry.
    """
    article = _locked(article)
    _require(can_review(user), _("Only moderators may approve stories."), "forbidden")
    _require(
        article.status == Status.IN_REVIEW,
        _("Only a story in review can be approved; this one is %(status)s.")
        % {"status": article.get_status_display().lower()},
        "invalid_transition",
    )
    _require(
        self_approval_allowed() or not is_own_work(user, article),
        four_eyes_refusal(),
        "four_eyes",
    )
    _require(
        revision_id == article.latest_revision_id,
        _("The story changed after you reviewed it. Review the latest revision first."),
        "stale_revision",
    )
    revision = article.latest_revision
    now = clock.now()
    was_live = article.is_live(now)
    if publish_at is None:
        publish_at = (
            article.publish_at if article.is_approved and article.publish_at else now
        )
    embargo = revisions.parse_time(revision.snapshot.get("embargo_until"))
    if embargo and publish_at < embargo:
        _refuse(
            _(
                "The story is embargoed until %(embargo)s; it cannot be published earlier."
            )
            % {"embargo": date_format(timezone.localtime(embargo), "DATETIME_FORMAT")},
            "embargo",
        )
    expire_at = revisions.parse_time(revision.snapshot.get("expire_at"))
    if expire_at and expire_at <= publish_at:
        _refuse(
            _(
                "The story expires at %(expiry)s, before it would be published; "
                "change the expiry or the publish time."
            )
            % {"expiry": date_format(timezone.localtime(expire_at), "DATETIME_FORMAT")},
            "expiry_before_publish",
        )
    if photos := _photo_problems(revision.snapshot):
        _refuse(_photos_refusal(photos), "image_incomplete")

    if article.live_revision_id != revision.pk:
        revisions.apply_to_row(article, revision.snapshot)
    from_status = article.status
    article.status = Status.PUBLISHED
    article.live_revision = revision
    article.publish_at = publish_at
    # Publishing now is the go-live; a scheduled one is recorded when its
    # time comes on the authority's clock (record_went_live), never early.
    if publish_at > now:
        article.went_live_at, article.went_live_announced = None, False
    elif article.went_live_at is None:
        article.went_live_at, article.went_live_announced = publish_at, True
    if article.first_published_at is None or article.first_published_at > now:
        article.first_published_at = publish_at
    if was_live:
        article.content_updated_at = now
    article.save()
    if correction_note.strip():
        Correction.objects.create(
            article=article, revision=revision, note=correction_note, created_by=user
        )
    action = Action.SCHEDULED if publish_at > now else Action.APPROVED
    _record_event(
        article,
        action,
        user,
        from_status=from_status,
        comment=correction_note,
        publish_at=publish_at,
    )
    return article


@transaction.atomic
def send_back(*, article: Article, user, comment: str) -> Article:
    """Return a story in review to its writers with a required comment."""
    article = _locked(article)
    _require(can_review(user), _("Only moderators may send stories back."), "forbidden")
    _require(
        article.status == Status.IN_REVIEW,
        _("Only a story in review can be sent back."),
        "invalid_transition",
    )
    _require(bool(comment.strip()), _("Say what needs to change."), "comment_required")
    article.status = Status.CHANGES_REQUESTED
    article.save(update_fields=["status", "updated_at"])
    _record_event(
        article, Action.SENT_BACK, user, from_status=Status.IN_REVIEW, comment=comment
    )
    return article


@transaction.atomic
def withdraw(*, article: Article, user, reason: str) -> Article:
    """Take an approved (live or scheduled) story off the site, with a reason."""
    article = _locked(article)
    _require(
        can_withdraw(user), _("Only moderators may withdraw stories."), "forbidden"
    )
    _require(
        article.is_approved,
        _("Only a published or scheduled story can be withdrawn."),
        "invalid_transition",
    )
    _require(
        bool(reason.strip()),
        _("Give the reason for withdrawing the story."),
        "reason_required",
    )
    from_status = article.status
    if article.is_live() and not article.went_live_announced:
        # Readers saw it before any scheduler run wrote that down: the trail
        # records it (without a "Live now" e-mail) before the withdrawal.
        _record_event(
            article,
            Action.WENT_LIVE,
            None,
            from_status=from_status,
            revision=article.live_revision,
            publish_at=article.publish_at,
            notify=False,
        )
    article.status = Status.WITHDRAWN
    article.live_revision = None
    article.went_live_at, article.went_live_announced = None, False
    article.save(
        update_fields=[
            "status",
            "live_revision",
            "went_live_at",
            "went_live_announced",
            "updated_at",
        ]
    )
    _record_event(
        article, Action.WITHDRAWN, user, from_status=from_status, comment=reason
    )
    return article


# Stories whose going live is recorded but not yet in the audit trail.
UNANNOUNCED_GO_LIVE = Q(went_live_at__isnull=False, went_live_announced=False)


def record_scheduled_go_lives() -> list[WorkflowEvent]:
    """Record, once each, that scheduled stories whose time has come went live.

    Readers see a scheduled story from its publish time without this
    (visibility is decided at read time, and the reader site records
    ``went_live_at`` the first time it notices); this writes the "went live"
    event into the audit trail and tells the writers. The event carries the
    scheduled time, not the time of the run, so a run hours late still
    records when the story appeared. Each story is claimed by a conditional
    UPDATE in its own transaction, so schedulers running at once record it
    exactly once.
    """
    Article.objects.record_went_live()
    unannounced = Article.objects.filter(UNANNOUNCED_GO_LIVE).order_by(
        "publish_at", "pk"
    )
    events = (_record_go_live(pk) for pk in unannounced.values_list("pk", flat=True))
    return [event for event in events if event is not None]


@transaction.atomic
def _record_go_live(pk: int) -> WorkflowEvent | None:
    claimed = Article.objects.filter(UNANNOUNCED_GO_LIVE, pk=pk).update(
        went_live_announced=True
    )
    if not claimed:  # another run recorded it first, or it was withdrawn meanwhile
        return None
    article = Article.objects.select_related("live_revision").get(pk=pk)
    return _record_event(
        article,
        Action.WENT_LIVE,
        None,
        from_status=article.status,
        revision=article.live_revision,
        publish_at=article.publish_at,
    )


@transaction.atomic
def redraft(*, article: Article, user) -> Article:
    """Turn a withdrawn story back into a draft, with its latest revision as content."""
    article = _locked(article)
    _require(
        article.status == Status.WITHDRAWN,
        _("Only a withdrawn story can be redrafted."),
        "invalid_transition",
    )
    _require(can_edit(user, article), _("You may not edit this story."), "forbidden")
    if article.latest_revision:
        revisions.apply_to_row(article, article.latest_revision.snapshot)
    article.status = Status.DRAFT
    article.save()
    _record_event(article, Action.REDRAFTED, user, from_status=Status.WITHDRAWN)
    return article


@transaction.atomic
def restore(*, article: Article, user, revision: Revision) -> Revision:
    """Make an earlier revision the new latest draft (it goes through review again)."""
    article = _locked(article)
    _require(
        revision.article_id == article.pk,
        _("That revision belongs to another story."),
        "wrong_story",
    )
    _require(can_edit(user, article), _("You may not edit this story."), "forbidden")
    from_status = article.status
    new = revisions.record(
        article, revision.snapshot, user=user, restored_from=revision
    )
    if not article.is_approved:
        revisions.apply_to_row(article, revision.snapshot)
    article.latest_revision = new
    if article.status in {Status.PUBLISHED, Status.IN_REVIEW}:
        article.status = Status.DRAFT
    article.updated_by = user
    article.save(
        update_fields=["latest_revision", "status", "updated_by", "updated_at"]
    )
    _record_event(
        article,
        Action.RESTORED,
        user,
        from_status=from_status,
        revision=new,
        comment=_("Restored revision %(number)s") % {"number": revision.number},
    )
    return new


# --- Explaining the public state -------------------------------------------------


def _when(value: datetime, *, with_utc: bool = False) -> str:
    """``value`` in the site's time zone, e.g. "14:00 today" or "3 Mar 2026, 14:00".

    ``with_utc`` adds the zone and the UTC instant where the site is not on
    UTC ("02:30 CEST today (00:30 UTC)"): around a change of the clocks the
    local time alone may name two instants.
    """
    local = timezone.localtime(value)
    show_utc = with_utc and bool(local.utcoffset())
    time_of_day = date_format(local, "H:i")
    if show_utc:
        time_of_day += f" {local.tzname()}"
    if local.date() == timezone.localdate():
        when = _("%(time)s today") % {"time": time_of_day}
    else:
        when = f"{date_format(local, 'j M Y')}, {time_of_day}"
    if show_utc:
        utc = value.astimezone(UTC)
        utc_format = "H:i" if utc.date() == local.date() else "j M Y, H:i"
        when += " " + _("(%(time)s UTC)") % {"time": date_format(utc, utc_format)}
    return when


def _embargoed(article: Article, now: datetime) -> bool:
    """Under an embargo that has not lifted (a story whose going live is
    recorded is past its embargo, whatever a clock says since)."""
    return (
        article.went_live_at is None
        and article.embargo_until is not None
        and article.embargo_until > now
    )


def explain(article: Article, *, at: datetime | None = None) -> str:
    """One plain sentence on whether readers see the story, and what would change it.

    Computed from the same facts ``published()`` uses, never stored.
    """
    now = at or clock.now()
    # The event that caused the current state, not merely the latest one: a
    # restore after a send-back must not replace the moderator's comment.
    cause = {
        Status.WITHDRAWN: Action.WITHDRAWN,
        Status.CHANGES_REQUESTED: Action.SENT_BACK,
    }
    latest_event = (
        article.events.filter(action=cause.get(article.status))
        .order_by("-created_at", "-pk")
        .select_related("actor")
        .first()
    )
    actor = (
        latest_event.actor.get_username()
        if latest_event and latest_event.actor
        else "—"
    )
    pending = (
        _(" Changes made since are not public yet.")
        if article.has_pending_changes
        else ""
    )
    if _embargoed(article, now):
        return _(
            "Embargoed until %(when)s: nothing of it is shown anywhere before then."
        ) % {"when": _when(article.embargo_until)}
    if article.status == Status.WITHDRAWN:
        reason = latest_event.comment if latest_event else ""
        return _("Withdrawn by %(actor)s: %(reason)s") % {
            "actor": actor,
            "reason": reason,
        }
    if article.is_approved:
        if article.has_expired(now):
            return _("Expired at %(when)s; readers no longer see it.") % {
                "when": _when(article.expire_at)
            }
        if not article.is_live(now):
            return _("Approved, scheduled for %(when)s.") % {
                "when": _when(article.publish_at, with_utc=True)
            } + (pending)
        live = _("Live since %(when)s.") % {"when": _when(article.publish_at)}
        if article.status == Status.IN_REVIEW:
            return live + _(" Changes are waiting for review by a moderator.")
        return live + pending
    if article.status == Status.IN_REVIEW:
        return _(
            "Waiting for review by a moderator since %(when)s (submitted by %(who)s)."
        ) % {
            "when": _when(article.submitted_at or now),
            "who": article.submitted_by.get_username() if article.submitted_by else "—",
        }
    if article.status == Status.CHANGES_REQUESTED:
        comment = latest_event.comment if latest_event else ""
        return _("Sent back by %(actor)s with: %(comment)s") % {
            "actor": actor,
            "comment": comment,
        }
    return _("Draft: not submitted for review; readers cannot see it.")


def short_state(article: Article, *, at: datetime | None = None) -> str:
    """A few words for lists: "Live", "Scheduled for 14:00 today", "In review"…"""
    now = at or clock.now()
    if _embargoed(article, now):
        return _("Embargoed until %(when)s") % {"when": _when(article.embargo_until)}
    if article.is_approved:
        if article.has_expired(now):
            state = _("Expired")
        elif not article.is_live(now):
            state = _("Scheduled for %(when)s") % {
                "when": _when(article.publish_at, with_utc=True)
            }
        else:
            state = _("Live")
        if article.status != Status.PUBLISHED:
            state += " · " + _("changes %(status)s") % {
                "status": article.get_status_display().lower()
            }
        return state
    return article.get_status_display()
