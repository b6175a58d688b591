"""The story admin: the form editors fill in, its inlines, and the list of stories.

Its own pages and buttons (workflow moves, previews, revisions, corrections) are in
``story_views``; every rule the form and those views apply is in ``stories.workflow``.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.forms.models import BaseInlineFormSet
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.managers import TaggableManager

from stories import workflow
from stories.models import Autosave, Byline, Citation, Correction, Revision, Story
from stories.sanitize import clean_html
from stories.search import search_stories

from . import story_views
from .base import BoundedDatesMixin, CheckedIdsMixin, NewsroomAdmin
from .revisions import describe_changes
from .tag_input import NewTagsField, TagInputField, confirm_new_tags, parse_tag_list
from .versions import VersionedForm

# The story form's fields, in the groups the admin shows. A new field of the story is added
# here, besides the model, its migration and the reader's template.
FIELDSETS = [
    (None, {"fields": ["kicker", "headline", "dek", "slug", "body", "target_words"]}),
    (
        "Placement",
        {"fields": ["section", "kind", "dateline", "tags", "create_tags", "hero_image"]},
    ),
    (
        "Publication",
        {"fields": ["status", "published_at", "embargo_until", "last_significant_update"]},
    ),
    ("Search and social", {"fields": ["seo_headline"], "classes": ["collapse"]}),
    ("Connections", {"fields": ["people", "related_stories"]}),
]

# What the body's toolbar offers; stories/sanitize.py allows all of it and removes the rest.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    # Numbering styles (a, b, c / i, ii, iii) are not offered: the sanitizer keeps plain lists.
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Pictures come from the image library only: "Browse…" in the figure dialog opens it.
    "Figure": {"pickerUrl": reverse_lazy("admin:stories_image_picker")},
    "Image": True,
    "Caption": True,
}


class StoryForm(forms.ModelForm):
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    create_tags = NewTagsField()

    # Who is saving: set for each request by StoryAdmin.get_form.
    user = None

    class Meta:
        model = Story
        fields = [name for _, options in FIELDSETS for name in options["fields"]]
        widgets = {
            "body": AdminProseEditorWidget(
                config={"extensions": BODY_EXTENSIONS}, preset="configurable"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["base_revision"] = Revision.latest_id(self.instance)
        if self.is_bound:  # Any name typed may be one the editor chose to create.
            typed = parse_tag_list(self.data.get(self.add_prefix("tags"), ""))
            self.fields["create_tags"].choices = [(name, name) for name in typed]

    def clean(self):
        cleaned = super().clean()
        confirm_new_tags(self)
        base = (cleaned.get("base_revision") or 0) if self.instance.pk else None
        try:
            workflow.check_save(self.instance, cleaned, by=self.user, base_revision=base)
        except workflow.EditConflict as conflict:
            # Saving the same form again is the deliberate choice to replace their version.
            self.data = self.data.copy()
            self.data[self.add_prefix("base_revision")] = conflict.latest.pk
            raise ValidationError(conflict_message(conflict), code="conflict") from None
        return cleaned


def _read_body(row):
    return "body_as_read" if row == "body" else row


def conflict_message(conflict):
    changes = "; ".join(
        f"{rev.author_name} changed {describe_changes(rev.changed_fields)} "
        f"({rev.summary or 'saved'}) at "
        f"{timezone.localtime(rev.created_at):%H:%M:%S on %b %-d, %Y %Z}"
        for rev in conflict.later
    )
    story = conflict.story
    base = conflict.base or Revision.objects.filter(story=story).last().pk
    compare = reverse("admin:stories_story_compare", args=[story.pk])
    return format_html(
        "Your changes were not saved: this story changed after you opened it. {} "
        "Your version is kept below. "
        '<a href="{}" target="_blank" rel="noopener">Compare their changes '
        "(opens in a new tab)</a>; to replace them with your version, save again.",
        changes + ".",
        f"{compare}?a={base}&b={conflict.latest.pk}",
    )


class BylineForm(forms.ModelForm):
    # Checked here, as the model's own check is left out below; kept far enough below a
    # small integer's limit that a byline parked while the formset saves still fits.
    position = forms.IntegerField(
        min_value=0,
        max_value=999,
        initial=1,
        help_text="Bylines are shown in ascending order of this number.",
    )

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


class BylineInline(CheckedIdsMixin, admin.StackedInline):
    # Stacked rather than tabular: each field then has its own <label> for assistive technology.
    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["person"]
    fields = [("person", "role", "position")]


class CitationForm(forms.ModelForm):
    """Shows the source of an anonymous citation, which the database keeps encrypted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        citation = self.instance
        if citation.is_anonymous and citation.source_id is None:
            self.initial["source"] = citation.cited_source_id
        if citation.source_is_unreadable:
            self.fields["source"].help_text = (
                "None of the keys in SOURCE_ENCRYPTION_KEYS opens the source of this anonymous "
                "citation. Ask whoever runs the site to add back the key it was made with, or "
                "choose the source again."
            )


class CitationInline(CheckedIdsMixin, admin.StackedInline):
    model = Citation
    form = CitationForm
    extra = 0
    autocomplete_fields = ["source"]
    fields = [
        ("source", "cited_as", "position"),
        "supports",
        ("is_anonymous", "public_description"),
    ]


class CorrectionInline(BoundedDatesMixin, CheckedIdsMixin, admin.StackedInline):
    model = Correction
    form = VersionedForm
    extra = 0


@admin.register(Story)
class StoryAdmin(NewsroomAdmin):
    form = StoryForm
    fieldsets = FIELDSETS
    inlines = [BylineInline, CitationInline, CorrectionInline]
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
    formfield_overrides = {TaggableManager: {"form_class": TagInputField}}
    actions = ["submit_for_review", "publish_stories", "unpublish_stories"]
    change_form_template = "admin/stories/story/change_form.html"
    change_list_template = "admin/stories/story/change_list.html"

    class Media:
        css = {"all": ["css/admin-rich-text.css"]}
        js = [
            "js/admin-autocomplete-labels.js",
            "js/admin-rich-text-label.js",
            "js/admin-writing-count.js",
            "js/admin-autosave.js",
            "js/admin-presence.js",
        ]

    def get_urls(self):
        return [*story_views.urls(self), *super().get_urls()]

    def get_queryset(self, request):
        bylines = Prefetch("bylines", queryset=Byline.objects.select_related("person"))
        return super().get_queryset(request).prefetch_related(bylines, "tags")

    def view_on_site(self, story):
        """Only where a reader would find the story (its page, or its retraction notice)."""
        if story.is_public or story.status == Story.Status.RETRACTED:
            return story.get_absolute_url()
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        # The form carries the revision it was opened from; that is no change of the story.
        hidden = {"base_revision", str(form["base_revision"].label)}
        message = super().construct_change_message(request, form, formsets, add)
        for entry in message:
            changed = entry.get("changed", {})
            if "object" not in changed and "fields" in changed:
                changed["fields"] = [name for name in changed["fields"] if name not in hidden]
        return [entry for entry in message if entry.get("changed", {}).get("fields", True)]

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and workflow.can_delete(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *workflow.read_only_fields(request.user)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((None, {"fields": ["base_revision"], "classes": ["hidden"]}))
        elif obj is not None:
            # Shown, not edited: the body as readers read it rather than its markup.
            fieldsets = [
                (name, {**options, "fields": [_read_body(f) for f in options["fields"]]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        """Nothing yet: save_related saves the story with what hangs off it, in one go."""

    def save_related(self, request, form, formsets, change):
        workflow.save_story(
            form.instance,
            by=request.user,
            base_revision=(form.cleaned_data.get("base_revision") or 0) if change else None,
            save_related=partial(super().save_related, request, form, formsets, change),
        )
        # Saved for real: the changes kept while typing are in the story now.
        Autosave.discard(user=request.user, story=form.instance)
        if not change:
            form_key = request.POST.get("autosave_key", "")
            Autosave.discard(user=request.user, story=None, form_key=form_key)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = story_views.change_page_context(self, request, object_id)
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    def add_view(self, request, form_url="", extra_context=None):
        context = story_views.autosave_context(request.user) if request.method == "GET" else {}
        return super().add_view(request, form_url, context | (extra_context or {}))

    @admin.display(description="body")
    def body_as_read(self, story):
        # Stored sanitized; cleaned again as it is marked safe here.
        return mark_safe(clean_html(story.body))

    @admin.display(description="publication")
    def publication(self, story):
        if story.is_embargoed:
            local = timezone.localtime(story.embargo_until)
            return format_html("<strong>EMBARGOED</strong> until {}", f"{local:%b %-d, %H:%M %Z}")
        if story.is_scheduled:
            return f"Scheduled for {timezone.localtime(story.published_at):%b %-d, %H:%M %Z}"
        if story.status == Story.Status.PUBLISHED:
            return "Live"
        if story.status == Story.Status.RETRACTED:
            return "Retracted"
        return "Not public"

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

    @admin.action(description="Submit selected stories for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.move_selected(request, queryset, "submit")

    @admin.action(description="Publish or schedule selected stories", permissions=["publish"])
    def publish_stories(self, request, queryset):
        self.move_selected(request, queryset, "publish")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_stories(self, request, queryset):
        self.move_selected(request, queryset, "unpublish")

    def move_selected(self, request, queryset, name):
        moved, refused = [], []
        for story in queryset:
            try:
                workflow.apply_transition(story, name, by=request.user)
                moved.append(story)
            except (PermissionDenied, workflow.TransitionNotAllowed):
                refused.append(story)
        label = workflow.TRANSITIONS[name].label
        if moved:
            messages.success(request, f"{label}: {len(moved)} stories.")
        if refused:
            names = ", ".join(f"“{s}”" for s in refused)
            messages.warning(request, f"{label} does not apply to {names}; left unchanged.")
