from django.contrib import admin

from feedback.desk import waiting_for
from stories import desk


class NewsroomAdminSite(admin.AdminSite):
    """Django's admin, whose home page is the signed-in staff member's desk."""

    index_template = "admin/stories/desk.html"

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if request.user.has_perm("stories.view_story"):
            context["desk"] = desk.desk_for(request.user)
        context["from_readers"] = waiting_for(request.user)
        return super().index(request, context)
