from django.contrib import admin
from django.utils import timezone

from stories.admin.base import NewsroomAdmin
from stories.models import Section

from . import admin_views, curating
from .models import Banner, Front


@admin.register(Front)
class FrontAdmin(NewsroomAdmin):
    list_display = ["__str__", "arranged", "scheduled"]
    list_select_related = ["section"]
    search_fields = ["section__name"]

    def get_urls(self):
        return [*admin_views.urls(self), *super().get_urls()]

    def has_add_permission(self, request):
        return False  # each section has one, made when the list is first opened

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return curating.can_curate(request.user)

    def changelist_view(self, request, extra_context=None):
        Front.objects.of()
        for section in Section.objects.exclude(front__isnull=False):
            Front.objects.of(section)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_views.arrange(self, request, object_id)

    @admin.display(description="shown now")
    def arranged(self, front):
        version = front.version_at()
        return f"{version.slots.count()} slots, since {version}" if version else "newest stories"

    @admin.display(description="scheduled changes")
    def scheduled(self, front):
        return front.versions.filter(takes_effect_at__gt=timezone.now()).count()


@admin.register(Banner)
class BannerAdmin(NewsroomAdmin):
    list_display = ["text", "starts_at", "expires_at", "is_live"]
    list_filter = ["starts_at"]
    search_fields = ["text"]
    autocomplete_fields = ["story"]
    fields = ["text", "story", "url", "starts_at", "expires_at"]

    @admin.display(boolean=True, description="live now")
    def is_live(self, banner):
        return banner.starts_at <= timezone.now() < banner.expires_at

    def save_model(self, request, obj, form, change):
        curating.save_banner(obj, by=request.user)

    def delete_model(self, request, obj):
        curating.delete_banner(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for banner in queryset:
            curating.delete_banner(banner, by=request.user)
