from django.contrib import admin
from django.db.models import Prefetch

from stories.models import Byline, Citation, Correction, Story
from stories.search import search_stories


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["person"]


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
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "section", "published_at", "byline_names", "tag_names"]
    list_filter = ["status", "section", "kind"]
    list_select_related = ["section"]
    date_hierarchy = "published_at"
    search_fields = ["headline", "dek", "body", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "people", "related_stories", "hero_image"]
    inlines = [BylineInline, CitationInline, CorrectionInline]
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

    def get_search_results(self, request, queryset, search_term):
        # The changelist searches like the site does. Autocomplete widgets keep matching
        # the first letters of a headline, which full-text search does not do.
        autocomplete = getattr(request.resolver_match, "url_name", None) == "autocomplete"
        if autocomplete or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return search_stories(queryset, search_term), False

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
