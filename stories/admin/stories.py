from django.contrib import admin
from django.db.models import Prefetch
from taggit.managers import TaggableManager

from stories.models import Byline, Citation, Correction, Revision, Story

from .tag_input import TagInputField
from .workflow import StoryWorkflowAdmin


class BylineInline(admin.StackedInline):
    # Stacked rather than tabular: each field then has its own <label> for assistive technology.
    model = Byline
    extra = 1
    autocomplete_fields = ["person"]
    fields = [("person", "role", "position")]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = [
        ("source", "cited_as", "position"),
        "supports",
        ("is_anonymous", "public_description"),
    ]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0


@admin.register(Story)
class StoryAdmin(StoryWorkflowAdmin):
    list_display = [
        "headline",
        "status",
        "publication",
        "section",
        "published_at",
        "byline_names",
        "tag_names",
    ]
    list_filter = ["status", "section", "kind"]
    list_select_related = ["section"]
    date_hierarchy = "published_at"
    search_fields = ["headline", "dek", "body", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "people", "related_stories", "hero_image"]
    inlines = [BylineInline, CitationInline, CorrectionInline]
    formfield_overrides = {TaggableManager: {"form_class": TagInputField}}
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "dek", "slug", "body"]}),
        ("Placement", {"fields": ["section", "kind", "dateline", "tags", "hero_image"]}),
        (
            "Publication",
            {"fields": ["status", "published_at", "embargo_until", "last_significant_update"]},
        ),
        ("Search and social", {"fields": ["seo_headline"], "classes": ["collapse"]}),
        ("Connections", {"fields": ["people", "related_stories"]}),
    ]

    class Media:
        js = ["js/admin-autocomplete-labels.js", "js/admin-rich-text-label.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("person")), "tags"
            )
        )

    @admin.display(description="bylines")
    def byline_names(self, story):
        return ", ".join(byline.person.name for byline in story.bylines.all())

    @admin.display(description="tags")
    def tag_names(self, story):
        return ", ".join(tag.name for tag in story.tags.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["story", "kind", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["story"]
    date_hierarchy = "published_at"
    search_fields = ["text", "story__headline"]
    autocomplete_fields = ["story"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Revision.record(obj.story, request.user, summary="Correction edited")
