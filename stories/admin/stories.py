from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.forms.models import BaseInlineFormSet
from taggit.managers import TaggableManager

from stories import workflow
from stories.models import Byline, Citation, Correction, Story
from stories.search import search_stories

from .base import BoundedDatesMixin, NewsroomAdmin
from .tag_input import TagInputField
from .workflow import StoryWorkflowAdmin


class BylineForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # A position is checked against the other rows of the formset instead of the database,
        # so that editors can swap two bylines in one save.
        return super()._get_validation_exclusions() | {"position"}


class BylineFormSet(BaseInlineFormSet):
    # Far above any real position and still within a small integer.
    PARKING_OFFSET = 10_000

    def clean(self):
        super().clean()
        positions = [
            form.cleaned_data["position"]
            for form in self.forms
            if form.cleaned_data.get("position") is not None and not self._should_delete_form(form)
        ]
        if len(positions) != len(set(positions)):
            raise ValidationError("Two bylines have the same position; give each its own number.")

    def save_existing_objects(self, commit=True):
        # Park the bylines that move or go before writing, so the database's unique
        # (story, position) constraint never sees a half-finished reordering.
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk
            and ("position" in form.changed_data or self._should_delete_form(form))
        ]
        if commit and moving:
            Byline.objects.filter(pk__in=moving).update(
                position=F("position") + self.PARKING_OFFSET
            )
        return super().save_existing_objects(commit)


class BylineInline(admin.StackedInline):
    # Stacked rather than tabular: each field then has its own <label> for assistive technology.
    model = Byline
    form = BylineForm
    formset = BylineFormSet
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


class CorrectionInline(BoundedDatesMixin, admin.StackedInline):
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
        css = {"all": ["css/admin-rich-text.css"]}
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

    def get_search_results(self, request, queryset, search_term):
        # The changelist searches like the site does. Autocomplete widgets keep matching
        # the first letters of a headline, which full-text search does not do.
        autocomplete = getattr(request.resolver_match, "url_name", None) == "autocomplete"
        if autocomplete or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return search_stories(queryset, search_term), False


@admin.register(Correction)
class CorrectionAdmin(NewsroomAdmin):
    list_display = ["story", "kind", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["story"]
    date_hierarchy = "published_at"
    search_fields = ["text", "story__headline"]
    autocomplete_fields = ["story"]

    def save_model(self, request, obj, form, change):
        workflow.save_correction(obj, by=request.user)
