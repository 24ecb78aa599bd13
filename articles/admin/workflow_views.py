"""Admin pages of the editorial workflow: actions, review queue, history, diffs,
previews and share links. Every state change calls ``articles.editorial.workflow``."""

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import TimestampSigner
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles import clock
from articles.admin.input import LARGEST_ID
from articles.editorial import revisions, workflow
from articles.models import Article, EditPresence, PreviewLink, Revision
from articles.reader.views import SHARE_LINK_SALT, render_preview

PRESENCE_WINDOW = timedelta(minutes=5)


# --- Forms of the workflow actions ---------------------------------------------


class SubmitForm(forms.Form):
    pass


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """The date and time as typed, not yet in any time zone: the form reads it
    with ``clock.aware_local_time``, which answers times the clocks skip or
    repeat with the valid choices, where Django only says it "couldn't be
    interpreted"."""

    def compress(self, data_list):
        if not data_list:
            return None
        day, time_of_day = data_list
        if day in self.empty_values:
            raise ValidationError(
                self.error_messages["invalid_date"], code="invalid_date"
            )
        if time_of_day in self.empty_values:
            raise ValidationError(
                self.error_messages["invalid_time"], code="invalid_time"
            )
        return datetime.combine(day, time_of_day)


class ApproveForm(forms.Form):
    revision_id = forms.IntegerField(
        min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput
    )
    publish_at = LocalSplitDateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=gettext_lazy(
            "Leave empty to publish now. A later time schedules it."
        ),
    )
    # Shown only when the time typed happens twice (the clocks go back).
    occurrence = forms.ChoiceField(
        label=gettext_lazy("Which one"),
        required=False,
        choices=[
            (clock.EARLIER, gettext_lazy("earlier")),
            (clock.LATER, gettext_lazy("later")),
        ],
        widget=forms.HiddenInput,
    )
    correction_note = forms.CharField(
        label=gettext_lazy("Public correction note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only for changes to a live story that correct an error. Shown under the "
            "story and on the corrections page, e.g. “An earlier version gave the wrong range.”"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("publish_at")
        if typed is None:
            return cleaned
        try:
            clock.validate_storable(typed)
            cleaned["publish_at"] = clock.aware_local_time(
                typed, occurrence=cleaned.get("occurrence", "")
            )
        except ValidationError as error:
            if error.code == "ambiguous_time":
                self.offer_occurrences(error.params)
            self.add_error("publish_at", error)
        return cleaned

    def offer_occurrences(self, labels: dict) -> None:
        """Let the moderator pick one of the two instants a repeated time names."""
        field = self.fields["occurrence"]
        field.widget = forms.RadioSelect()
        field.choices = [
            (clock.EARLIER, labels["earlier"]),
            (clock.LATER, labels["later"]),
        ]


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What needs to change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RedraftForm(forms.Form):
    pass


def _submit(article, user, data):
    return workflow.submit(article=article, user=user)


def _approve(article, user, data):
    return workflow.approve(
        article=article,
        user=user,
        revision_id=data["revision_id"],
        publish_at=data.get("publish_at"),
        correction_note=data.get("correction_note", ""),
    )


def _send_back(article, user, data):
    return workflow.send_back(article=article, user=user, comment=data["comment"])


def _withdraw(article, user, data):
    return workflow.withdraw(article=article, user=user, reason=data["reason"])


def _redraft(article, user, data):
    return workflow.redraft(article=article, user=user)


ACTIONS = {
    "submit": (SubmitForm, _submit, gettext_lazy("Submit for review")),
    "approve": (ApproveForm, _approve, gettext_lazy("Approve")),
    "send_back": (SendBackForm, _send_back, gettext_lazy("Send back")),
    "withdraw": (WithdrawForm, _withdraw, gettext_lazy("Withdraw")),
    "redraft": (RedraftForm, _redraft, gettext_lazy("Return to draft")),
}
# Moderators' decisions: whoever may never take one gets 403 for the page
# itself, not only when sending it.
MODERATORS_ONLY = {
    "approve": workflow.can_review,
    "send_back": workflow.can_review,
    "withdraw": workflow.can_withdraw,
}


# --- URL wiring ---------------------------------------------------------------------


def urls(model_admin):
    def wrap(view, *, post_only=False):
        def wrapper(request, *args, **kwargs):
            return view(model_admin, request, *args, **kwargs)

        wrapper = never_cache(wrapper)
        if post_only:
            wrapper = require_POST(wrapper)
        return model_admin.admin_site.admin_view(wrapper)

    return [
        path("review-queue/", wrap(review_queue), name="articles_article_review_queue"),
        path(
            "<int:pk>/workflow/<str:action>/",
            wrap(workflow_action),
            name="articles_article_workflow",
        ),
        path("<int:pk>/compare/", wrap(compare), name="articles_article_compare"),
        path(
            "<int:pk>/revisions/<int:number>/restore/",
            wrap(restore, post_only=True),
            name="articles_article_restore",
        ),
        path("<int:pk>/preview/", wrap(preview), name="articles_article_preview"),
        path(
            "<int:pk>/preview/<int:number>/",
            wrap(preview),
            name="articles_article_preview_revision",
        ),
        path(
            "<int:pk>/share/",
            wrap(create_share_link, post_only=True),
            name="articles_article_share",
        ),
        path(
            "<int:pk>/share/<int:link_id>/revoke/",
            wrap(revoke_share_link, post_only=True),
            name="articles_article_share_revoke",
        ),
    ]


def _article_for(model_admin, request, pk) -> Article:
    article = get_object_or_404(
        Article.objects.select_related("latest_revision"), pk=pk
    )
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    return article


def _change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


# --- Change form extras -----------------------------------------------------------


def note_presence(request, article) -> list[str]:
    """Record that this user has the story open; return who else does."""
    now = timezone.now()
    EditPresence.objects.update_or_create(
        article=article, user=request.user, defaults={"seen_at": now}
    )
    return list(
        EditPresence.objects.filter(article=article, seen_at__gte=now - PRESENCE_WINDOW)
        .exclude(user=request.user)
        .values_list("user__username", flat=True)
    )


def change_form_context(request, article) -> dict:
    active_links = article.preview_links.filter(
        revoked_at__isnull=True, expires_at__gt=clock.sql_now()
    )
    blockers = workflow.approval_blockers(article)
    return {
        "workflow_actions": workflow.available_actions(
            request.user, article, blockers=blockers
        ),
        "also_editing": note_presence(request, article)
        if request.method == "GET"
        else [],
        "public_state": workflow.explain(article),
        "approval_blockers": blockers,
        "preview_links": [(link, share_url(link)) for link in active_links],
        "can_share": request.user.has_perm("articles.edit_any_article"),
    }


# --- Workflow actions ------------------------------------------------------------


def workflow_action(model_admin, request, pk, action):
    if action not in ACTIONS:
        raise Http404("No such action.")
    form_class, perform, title = ACTIONS[action]
    article = _article_for(model_admin, request, pk)
    if action in MODERATORS_ONLY and not MODERATORS_ONLY[action](request.user):
        raise PermissionDenied
    initial = {"revision_id": article.latest_revision_id}
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            perform(article, request.user, form.cleaned_data)
        except workflow.WorkflowError as error:
            form.add_error(None, error.message)
            status = 403 if error.code == "forbidden" else 409
            return _render_action(
                model_admin, request, article, form, title, status=status
            )
        messages.success(request, workflow.explain(Article.objects.get(pk=article.pk)))
        return redirect(_change_url(article))
    status = 400 if request.method == "POST" else 200
    return _render_action(model_admin, request, article, form, title, status=status)


def _render_action(model_admin, request, article, form, title, *, status=200):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": f"{title}: {article.headline}",
        "form": form,
        "public_state": workflow.explain(article),
        "is_change_to_live": article.has_pending_changes,
        "preview_url": reverse("admin:articles_article_preview", args=[article.pk]),
    }
    return TemplateResponse(
        request, "admin/articles/article/workflow_action.html", context, status=status
    )


def run_for_each(model_admin, request, queryset, action) -> None:
    """Run a workflow service on each selected story, reporting each refusal."""
    done = 0
    for article in queryset:
        try:
            action(article=article, user=request.user)
            done += 1
        except workflow.WorkflowError as error:
            messages.error(request, f"{article.headline}: {error.message}")
    if done:
        messages.success(request, _("%(count)s stories updated.") % {"count": done})


# --- Review queue ----------------------------------------------------------------


def review_queue(model_admin, request):
    if not workflow.can_review(request.user):
        raise PermissionDenied
    now = clock.now()
    waiting = (
        Article.objects.filter(status=Article.Status.IN_REVIEW)
        .select_related("section", "submitted_by", "latest_revision")
        .with_bylines()
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Review queue"),
        "stories": [
            (
                story,
                workflow.available_actions(
                    request.user,
                    story,
                    blockers=workflow.approval_blockers(story, now=now),
                ),
            )
            for story in waiting
        ],
        "now": now,
    }
    return TemplateResponse(
        request, "admin/articles/article/review_queue.html", context
    )


# --- History, comparison, restore ---------------------------------------------------


def history(model_admin, request, object_id):
    article = _article_for(model_admin, request, object_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": _("History: %(headline)s") % {"headline": article.headline},
        "revisions": article.revisions.select_related("created_by", "restored_from"),
        "events": article.events.select_related("actor", "revision"),
        "can_edit": workflow.can_edit(request.user, article),
    }
    return TemplateResponse(request, "admin/articles/article/history.html", context)


def _revision(article, number) -> Revision:
    try:
        return article.revisions.get(number=int(number))
    except (TypeError, ValueError, Revision.DoesNotExist) as exc:
        raise Http404("No such revision.") from exc


def compare(model_admin, request, pk):
    article = _article_for(model_admin, request, pk)
    newest = article.revisions.order_by("-number").first()
    if newest is None:
        raise Http404("This story has no revisions.")
    old_number = request.GET.get("a") or max(newest.number - 1, 1)
    new_number = request.GET.get("b") or newest.number
    old, new = _revision(article, old_number), _revision(article, new_number)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": _("Compare revisions %(a)s and %(b)s")
        % {"a": old.number, "b": new.number},
        "old": old,
        "new": new,
        "diffs": revisions.compare(old.snapshot, new.snapshot),
    }
    return TemplateResponse(request, "admin/articles/article/compare.html", context)


def restore(model_admin, request, pk, number):
    article = _article_for(model_admin, request, pk)
    revision = _revision(article, number)
    try:
        workflow.restore(article=article, user=request.user, revision=revision)
    except workflow.WorkflowError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect(reverse("admin:articles_article_history", args=[article.pk]))
    messages.success(
        request,
        _(
            "Revision %(number)s is now the latest draft; submit it for review to publish it."
        )
        % {"number": revision.number},
    )
    return redirect(_change_url(article))


# --- Previews -------------------------------------------------------------------------


def preview(model_admin, request, pk, number=None):
    article = _article_for(model_admin, request, pk)
    revision = _revision(article, number) if number else article.latest_revision
    if revision is None:
        raise Http404("This story has no revisions.")
    banner = _("Preview — not published (revision %(number)s)") % {
        "number": revision.number
    }
    return render_preview(request, article, revision.snapshot, banner=banner)


def share_url(link: PreviewLink) -> str:
    token = TimestampSigner(salt=SHARE_LINK_SALT).sign(str(link.pk))
    return settings.SITE_URL + reverse("articles:shared-preview", args=[token])


def create_share_link(model_admin, request, pk):
    article = _article_for(model_admin, request, pk)
    if not request.user.has_perm("articles.edit_any_article"):
        raise PermissionDenied
    link = PreviewLink.objects.create(
        article=article,
        created_by=request.user,
        expires_at=clock.now() + timedelta(hours=settings.NEWSROOM_PREVIEW_LINK_HOURS),
    )
    messages.success(
        request,
        _("Share link (read-only, valid for %(hours)s hours): %(url)s")
        % {"hours": settings.NEWSROOM_PREVIEW_LINK_HOURS, "url": share_url(link)},
    )
    return redirect(_change_url(article))


def revoke_share_link(model_admin, request, pk, link_id):
    article = _article_for(model_admin, request, pk)
    if not request.user.has_perm("articles.edit_any_article"):
        raise PermissionDenied
    PreviewLink.objects.filter(
        article=article, pk=link_id, revoked_at__isnull=True
    ).update(revoked_at=clock.sql_now())
    messages.success(request, _("The share link no longer works."))
    return redirect(_change_url(article))
