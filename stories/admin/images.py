import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import path
from django.utils.html import format_html, format_html_join

from stories.forms import ImageForm
from stories.models import Image

from .base import LockedOncePublishedMixin, NewsroomAdmin
from .versions import VersionedAdminMixin


def thumbnail(image):
    """A small square preview for changelists, or an empty string."""
    renditions = [r for r in image.renditions("1x1") if r.format == "jpeg"] if image else []
    if not renditions:
        return ""
    return format_html(
        '<img src="{}" width="60" height="60" alt="" loading="lazy" class="image-thumbnail">',
        image.file.storage.url(renditions[0].name),
    )


class MissingDetailsFilter(admin.SimpleListFilter):
    title = "missing details"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("alt_text", "Alt text"), ("credit", "Credit")]

    def queryset(self, request, queryset):
        if self.value() in ("alt_text", "credit"):
            return queryset.filter(**{self.value(): ""})
        return queryset


@admin.register(Image)
class ImageAdmin(VersionedAdminMixin, LockedOncePublishedMixin, NewsroomAdmin):
    form = ImageForm
    list_display = [
        "preview",
        "__str__",
        "credit",
        "missing_details",
        "renditions_state",
        "uploaded_at",
    ]
    # The thumbnail is decorative (its alt text is the next column), so it is no link: a link
    # holding only it would have no name.
    list_display_links = ["__str__"]
    list_filter = [MissingDetailsFilter]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["checklist", "renditions_state", "focal_point_picker"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "checklist",
                    "renditions_state",
                    "file",
                    "alt_text",
                    "caption",
                    "credit",
                    "usage_note",
                ]
            },
        ),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", ("focal_x", "focal_y")],
                "description": "Crops for the site keep this point in view. Click the "
                "picture where the subject is, or type the position in the two fields.",
            },
        ),
    ]

    class Media:
        css = {"all": ["stories/focal-point.css"]}
        js = ["stories/focal-point.js"]

    def get_urls(self):
        picker = path(
            "picker/", self.admin_site.admin_view(self.picker_view), name="stories_image_picker"
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """A window the story body's editor opens to place a library image in the text."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images, _ = self.get_search_results(request, self.get_queryset(request), query)
        page = Paginator(images, 24).get_page(request.GET.get("page"))
        # The editor names the callback that receives the choice; it is a small integer.
        callback = request.GET.get("CKEditorFuncNum", "")
        if not re.fullmatch(r"-?\d{1,9}", callback):
            callback = ""
        return self.render_page(
            request,
            "picker.html",
            "Place an image in the story",
            is_popup=True,
            query=query,
            page=page,
            rows=[(image, thumbnail(image)) for image in page],
            callback=callback,
        )

    @admin.display(description="picture")
    def preview(self, image):
        return thumbnail(image)

    @admin.display(description="crops for the site")
    def renditions_state(self, image):
        if not image.pk:
            return "Cut once the picture is saved."
        if image.renditions_ready:
            return "Ready"
        return (
            "Being prepared: stories can be saved, previewed and published meanwhile; "
            "readers see the uploaded picture until the crops are ready."
        )

    @admin.display(description="missing")
    def missing_details(self, image):
        return ", ".join(image.missing)

    @admin.display(description="checks")
    def checklist(self, image):
        if not image.pk:
            return "Upload a picture and describe it."
        problems = [
            (
                "Alt text is missing: a story using this image cannot be published until "
                "it is added."
            )
            if "alt text" in image.missing
            else None,
            "The credit is missing." if "credit" in image.missing else None,
        ]
        problems = [(p,) for p in problems if p]
        if not problems:
            return "Alt text and credit are filled in."
        return format_html(
            '<ul class="messagelist">{}</ul>',
            format_html_join("", '<li class="warning">{}</li>', problems),
        )

    @admin.display(description="picture")
    def focal_point_picker(self, image):
        if not (image.pk and image.width):
            return "Save the image first, then click it here to set its focal point."
        return format_html(
            '<div class="focal-picker" data-focal-picker>'
            '<img src="{}" width="{}" height="{}" alt="" draggable="false">'
            '<span class="focal-marker" aria-hidden="true"></span></div>',
            image.file.url,
            image.width,
            image.height,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for detail in obj.missing:
            messages.warning(request, f"“{obj}” has no {detail} yet.")
