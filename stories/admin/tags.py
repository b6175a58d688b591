from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from taggit.models import Tag as UnusedTaggitTag

from stories.models import Tag, TagAlias, TagMerge
from stories.models.tags import normalize_tag_name
from stories.tagging import (
    CannotUndo,
    duplicate_suggestions,
    plan_merge,
    request_merge,
    request_undo,
    resolve_tag_name,
)

from .base import NewsroomAdmin, RecordAdminMixin, parse_id
from .versions import VersionedAdminMixin

# Stories are tagged with their own Tag model; django-taggit's default one stays empty, and its
# admin (whose merge action knows nothing of stories) would only mislead editors.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)

MANAGE_TAGS = "stories.manage_tags"
SUGGESTIONS = 10


def can_manage_tags(request):
    return request.user.has_perm(MANAGE_TAGS)


class UsageFilter(admin.SimpleListFilter):
    title = "usage"
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("unused", "Unused"), ("used", "Used")]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.unused()
        if self.value() == "used":
            return queryset.used()
        return queryset


class TagAliasInline(admin.StackedInline):
    # Stacked rather than tabular: a tabular inline labels its inputs only with a title.
    model = TagAlias
    extra = 1
    verbose_name_plural = "aliases (other names that apply this tag)"

    def has_add_permission(self, request, obj=None):
        return can_manage_tags(request)

    def has_change_permission(self, request, obj=None):
        return can_manage_tags(request)

    def has_delete_permission(self, request, obj=None):
        return can_manage_tags(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("stories.view_tag") or can_manage_tags(request)


class TagsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # Refuse what is not an id before the database sees it: some refuse huge numbers.
        for pk in value or []:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class MergeTagsForm(forms.Form):
    tags = TagsField(
        Tag.objects.all(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Select the tags to merge."},
    )
    target = forms.ModelChoiceField(
        Tag.objects.all(),
        required=False,
        label="Merge into",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    new_name = forms.CharField(
        required=False,
        max_length=100,
        label="Or into this tag",
        help_text="Type the name of another tag, or of a new one to create.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The tag to merge into is one of the selected tags, or typed in ``new_name``.
        selected = [pk for pk in map(parse_id, self.data.getlist("tags")) if pk]
        self.fields["target"].queryset = Tag.objects.filter(pk__in=selected)

    def clean_new_name(self):
        name = normalize_tag_name(self.cleaned_data["new_name"])
        if "," in name:
            raise forms.ValidationError("A tag name cannot contain a comma.")
        return name

    def clean(self):
        cleaned = super().clean()
        tags, target = cleaned.get("tags"), cleaned.get("target")
        new_name = cleaned.get("new_name")
        if not tags:
            return cleaned
        if new_name:
            target = resolve_tag_name(new_name)
        elif target is None:
            target = Tag.objects.with_usage().filter(pk__in=tags).order_by("-story_count").first()
        sources = [tag for tag in tags if tag != target]
        if not sources:
            raise forms.ValidationError(
                "Choose at least one tag to merge other than the one to merge into."
            )
        cleaned.update(sources=sources, into=target or new_name)
        return cleaned


@admin.register(Tag)
class TagAdmin(VersionedAdminMixin, NewsroomAdmin):
    list_display = [
        "name",
        "slug",
        "public_stories",
        "unpublished_stories",
        "last_used",
        "short_description",
        "alias_names",
    ]
    list_filter = [UsageFilter]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    inlines = [TagAliasInline]
    actions = ["merge_selected"]
    change_list_template = "admin/stories/tag/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage().prefetch_related("aliases")

    def has_change_permission(self, request, obj=None):
        return can_manage_tags(request)

    def has_delete_permission(self, request, obj=None):
        return can_manage_tags(request)

    def has_manage_permission(self, request):
        return can_manage_tags(request)

    @admin.display(description="public stories", ordering="public_count")
    def public_stories(self, tag):
        return tag.public_count

    @admin.display(description="unpublished stories", ordering="unpublished_count")
    def unpublished_stories(self, tag):
        return tag.unpublished_count

    @admin.display(description="last used", ordering="last_used", empty_value="never")
    def last_used(self, tag):
        return timezone.localdate(tag.last_used) if tag.last_used else None

    @admin.display(description="description")
    def short_description(self, tag):
        return Truncator(tag.description).chars(60)

    @admin.display(description="aliases")
    def alias_names(self, tag):
        return ", ".join(alias.name for alias in tag.aliases.all())

    @admin.action(description="Merge selected tags…", permissions=["manage"])
    def merge_selected(self, request, queryset):
        query = urlencode({"tags": list(queryset.values_list("pk", flat=True))}, doseq=True)
        return redirect(f"{reverse('admin:stories_tag_merge')}?{query}")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("merge/", view(self.merge_view), name="stories_tag_merge"),
            path("duplicates/", view(self.duplicates_view), name="stories_tag_duplicates"),
            path("clean-up/", view(self.cleanup_view), name="stories_tag_cleanup"),
            path("suggest/", view(self.suggest_view), name="stories_tag_suggest"),
            *super().get_urls(),
        ]

    def merge_view(self, request):
        if not can_manage_tags(request):
            raise PermissionDenied
        form = MergeTagsForm(request.POST if request.method == "POST" else request.GET)
        if not form.is_valid():
            return self.render_page(request, "merge.html", "Merge tags", form=form, plan=None)
        into = form.cleaned_data["into"]
        if request.method == "POST":
            merge = request_merge(form.cleaned_data["sources"], into, by=request.user)
            merge.refresh_from_db()  # done already when tasks run at once
            if merge.state == TagMerge.State.DONE:
                self.message_user(
                    request,
                    f"Merged {merge.merged_names} into “{merge.target_name}”. "
                    "You can undo this from the merge history.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"Merging {merge.merged_names} into “{merge.target_name}”: the merge "
                    "history shows when it is done.",
                    messages.INFO,
                )
            return redirect("admin:stories_tagmerge_changelist")
        target = into if isinstance(into, Tag) else None
        plan = plan_merge(form.cleaned_data["sources"], target, target_name=str(into))
        return self.render_page(request, "merge.html", "Merge tags", form=form, plan=plan)

    def duplicates_view(self, request):
        if not can_manage_tags(request):
            raise PermissionDenied
        groups = duplicate_suggestions()
        merge_url = reverse("admin:stories_tag_merge")
        for group in groups:
            query = {"tags": [tag.pk for tag in group.tags], "target": group.suggested_target.pk}
            group.merge_url = f"{merge_url}?{urlencode(query, doseq=True)}"
        return self.render_page(request, "duplicates.html", "Likely duplicate tags", groups=groups)

    def cleanup_view(self, request):
        if not can_manage_tags(request):
            raise PermissionDenied
        if request.method == "POST":
            ids = [pk for pk in map(parse_id, request.POST.getlist("tags")) if pk]
            # Only tags still unused now are deleted, whatever the confirmation page listed.
            doomed = Tag.objects.unused().filter(pk__in=ids)
            count = len(doomed)
            if count:
                self.log_deletions(request, doomed)
                Tag.objects.filter(pk__in=[tag.pk for tag in doomed]).delete()
            self.message_user(request, f"Deleted {count} unused tag{'s' * (count != 1)}.")
            if count < len(ids):
                self.message_user(
                    request,
                    f"Kept {len(ids) - count} tag(s) that a story uses now or that were gone.",
                    messages.WARNING,
                )
            return redirect("admin:stories_tag_changelist")
        unused = Tag.objects.unused()
        return self.render_page(request, "cleanup.html", "Delete unused tags", tags=unused)

    def suggest_view(self, request):
        """Existing tags matching ``?q=``, for the tag input on the story form."""
        if not (
            request.user.has_perm("stories.add_story")
            or request.user.has_perm("stories.change_story")
        ):
            raise PermissionDenied
        # PostgreSQL refuses null characters in a query; no tag name holds one.
        term = normalize_tag_name(request.GET.get("q", "").replace("\x00", ""))[:100]
        if not term:
            return JsonResponse({"results": []})
        matching_aliases = TagAlias.objects.filter(tag=OuterRef("pk"), name__icontains=term)
        tags = (
            Tag.objects.with_usage()
            .filter(Q(name__icontains=term) | Exists(matching_aliases))
            .annotate(
                alias=Subquery(matching_aliases.values("name")[:1]),
                starts=Case(
                    When(name__istartswith=term, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("starts", "-story_count", "name")[:SUGGESTIONS]
        )
        results = [
            {
                "name": tag.name,
                "count": tag.story_count,
                "alias": None if term.lower() in tag.name.lower() else tag.alias,
            }
            for tag in tags
        ]
        return JsonResponse({"results": results})

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_manage_tags": can_manage_tags(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)


@admin.register(TagMerge)
class TagMergeAdmin(RecordAdminMixin, NewsroomAdmin):
    list_display = [
        "performed_at",
        "performed_by",
        "merged_names",
        "target_link",
        "state",
        "problem",
        "undo_link",
    ]
    list_filter = ["state"]
    list_select_related = ["performed_by", "target", "undone_by"]
    search_fields = ["merged_names", "target_name"]
    date_hierarchy = "performed_at"
    fields = [
        "performed_at",
        "performed_by",
        "merged_names",
        "target_name",
        "state",
        "problem",
        "undone_at",
        "undone_by",
    ]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return can_manage_tags(request) or super().has_view_permission(request, obj)

    @admin.display(description="merged into", ordering="target_name")
    def target_link(self, merge):
        if merge.target is None:
            return merge.target_name
        url = reverse("admin:stories_tag_change", args=[merge.target_id])
        return format_html('<a href="{}">{}</a>', url, merge.target.name)

    @admin.display(description="undo")
    def undo_link(self, merge):
        if merge.undone_at:
            when = timezone.localtime(merge.undone_at)
            return f"Undone {when:%Y-%m-%d %H:%M} by {merge.undone_by or 'someone'}"
        if merge.state != TagMerge.State.DONE:
            return ""
        url = reverse("admin:stories_tagmerge_undo", args=[merge.pk])
        return format_html('<a href="{}">Undo…</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="stories_tagmerge_undo",
            ),
            *super().get_urls(),
        ]

    def undo_view(self, request, pk):
        if not can_manage_tags(request):
            raise PermissionDenied
        merge = get_object_or_404(TagMerge.objects.select_related("target"), pk=pk)
        if request.method == "POST":
            try:
                merge = request_undo(merge, by=request.user)
            except CannotUndo as problem:
                self.message_user(request, str(problem), messages.ERROR)
            else:
                merge.refresh_from_db()
                if merge.state == TagMerge.State.UNDONE:
                    message = f"Undid the merge of {merge.merged_names}.", messages.SUCCESS
                elif merge.state == TagMerge.State.UNDOING:
                    message = (
                        f"Undoing the merge of {merge.merged_names}: see its state below.",
                        messages.INFO,
                    )
                else:
                    message = f"The merge could not be undone: {merge.problem}", messages.ERROR
                self.message_user(request, *message)
            return redirect("admin:stories_tagmerge_changelist")
        return self.render_page(
            request,
            "undo.html",
            "Undo tag merge",
            merge=merge,
            sources=merge.details.get("sources", []),
        )
