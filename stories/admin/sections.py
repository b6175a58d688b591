from django.contrib import admin

from stories.models import Section

from .base import NewsroomAdmin
from .versions import VersionedAdminMixin


@admin.register(Section)
class SectionAdmin(VersionedAdminMixin, NewsroomAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
