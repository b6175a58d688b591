from django.contrib import admin

from stories import workflow
from stories.models import Correction

from .base import NewsroomAdmin
from .versions import VersionedAdminMixin


@admin.register(Correction)
class CorrectionAdmin(VersionedAdminMixin, NewsroomAdmin):
    list_display = ["story", "kind", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["story"]
    date_hierarchy = "published_at"
    search_fields = ["text", "story__headline"]
    autocomplete_fields = ["story"]

    def save_model(self, request, obj, form, change):
        workflow.save_correction(obj, by=request.user)
