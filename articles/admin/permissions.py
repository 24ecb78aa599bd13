"""The parts of a story shown as inlines on its form: who may change them, and how many a post may carry."""

from articles.editorial import workflow


class StoryPartInlineMixin:
    """Bylines and placed photos are part of the story: whoever may edit the
    story (``workflow.can_edit``) edits them, and whoever may see it sees them."""

    def may_edit_story(self, request, obj) -> bool:
        if obj is None:
            return request.user.has_perm("articles.add_article")
        return workflow.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_add_permission(self, request, obj=None):
        return self.may_edit_story(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may_edit_story(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_edit_story(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        # A post claiming thousands of rows is refused with a form error, not
        # built row by row (Django's own cap is a thousand past max_num).
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)
