from django.contrib import admin

from stories.models import Page

from .base import NewsroomAdmin
from .versions import VersionedAdminMixin


@admin.register(Page)
class PageAdmin(VersionedAdminMixin, NewsroomAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "body", "ownership_and_funding", "how_to_contact"]
