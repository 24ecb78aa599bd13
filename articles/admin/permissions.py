"""Who may change the parts of a story shown as inlines on its form."""

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
