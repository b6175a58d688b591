"""The front's own admin pages: arranging its slots, its history, and a preview at any time.

Every button is a form: moving a slot up or down, removing or adding a story, saving the
front's own headlines — each saves a new version through ``curating`` and comes back to the
page. A small script (``fronts/arrange.js``) adds dragging, which submits the same form.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from stories.admin.base import admin_pages, parse_id, within_sensible_years
from stories.models import Image, Story
from stories.pagination import PAGE_SIZE, ListPage

from . import curating, reading
from .models import Front, FrontVersion, Slot

SEARCH_RESULTS = 10


def urls(model_admin):
    return admin_pages(
        model_admin,
        ("<int:object_id>/preview/", preview, "preview"),
        ("<int:object_id>/history/", history, "history"),
        ("<int:object_id>/history/<int:version_id>/restore/", restore, "restore"),
    )


class MomentForm(forms.Form):
    at = forms.DateTimeField(
        label="As of",
        required=False,
        validators=[within_sensible_years],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: now. A later time shows, and arranges, the front as it will be then.",
    )

    def moment(self):
        """The time asked for, or None (now) when it is missing or not a time."""
        return self.cleaned_data.get("at") if self.is_valid() else None


class Picker(AutocompleteSelect):
    """The admin's autocomplete (select2, with script); without script, the choice made."""

    def __init__(self, field, admin_site, empty, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.empty = empty

    def create_option(self, name, value, label, *args, **kwargs):
        # An empty <option> is not valid HTML; its text is also what select2 shows at first.
        return super().create_option(name, value, label or self.empty, *args, **kwargs)


def picture_picker(model_admin, slot, number):
    """The slot's own picture, chosen from the library: one ``image`` value per slot."""
    picker = Picker(Slot._meta.get_field("image"), model_admin.admin_site, "The story's own")
    picker.choices = forms.ModelChoiceField(Image.objects.all(), required=False).choices
    picker.is_required = False
    return picker.render("image", slot.image_id, attrs={"id": f"image-{number}"})


class QuickAddForm(forms.Form):
    """A story picked by typing part of its headline (the admin's autocomplete, with script);
    the search beside it needs none."""

    pick = forms.ModelChoiceField(
        Story.objects.none(),
        required=False,
        label="Or type to find a story",
        widget=Picker(
            Slot._meta.get_field("story"),
            admin_site=None,
            empty="Type a headline",
            attrs={"form": "arrange-form"},
        ),
    )


def get_front(model_admin, request, object_id):
    front = Front.objects.select_related("section").filter(pk=parse_id(object_id)).first()
    if front is None:
        raise Http404("No such front.")
    if not model_admin.has_view_or_change_permission(request, front):
        raise PermissionDenied
    return front


def _query(at):
    return f"?{urlencode({'at': timezone.localtime(at).strftime('%Y-%m-%dT%H:%M')})}" if at else ""


def arrange(model_admin, request, object_id):
    front = get_front(model_admin, request, object_id)
    moment_form = MomentForm(request.GET or None)
    at = moment_form.moment()
    here = reverse("admin:fronts_front_change", args=[front.pk]) + _query(at)
    if request.method == "POST":
        if not curating.can_curate(request.user):
            raise PermissionDenied
        entries = _posted_entries(request.POST)
        if entries is None:
            return HttpResponseBadRequest("The slots sent are not valid: reload the page.")
        entries, note = _apply(request.POST, entries)
        if note is None:
            messages.error(request, "There is no such story to add.")
            return redirect(here)
        future = at if at and at > timezone.now() else None
        curating.arrange(front, entries, by=request.user, takes_effect_at=future, note=note)
        messages.success(request, f"{note}. " + _when(future))
        return redirect(here)
    version = front.version_at(at)
    slots = list(
        version.slots.select_related("story", "image").order_by("position") if version else []
    )
    public = set(
        Story.objects.public(at)
        .filter(pk__in=[s.story_id for s in slots])
        .values_list("pk", flat=True)
    )
    query = request.GET.get("q", "").strip()[:200]
    found = Story.objects.filter(headline__icontains=query)[:SEARCH_RESULTS] if query else []
    add_form = QuickAddForm()
    add_form.fields["pick"].widget.admin_site = model_admin.admin_site
    return model_admin.render_page(
        request,
        "arrange.html",
        f"Arrange the {front}",
        original=front,
        front=front,
        version=version,
        slots=[
            (slot, slot.story_id in public, picture_picker(model_admin, slot, number))
            for number, slot in enumerate(slots, start=1)
        ],
        moment_form=moment_form,
        at=at,
        at_is_future=bool(at and at > timezone.now()),
        at_query=_query(at),
        query=query,
        found=found,
        add_form=add_form,
        can_curate=curating.can_curate(request.user),
        scheduled=front.versions.filter(takes_effect_at__gt=timezone.now())
        .select_related("created_by")
        .order_by("takes_effect_at"),
        media=model_admin.media
        + add_form.media
        + forms.Media(js=["js/admin-autocomplete-labels.js"]),
    )


def _when(future):
    if future is None:
        return "Readers see it now."
    return f"Readers see it from {timezone.localtime(future):%b %-d, %H:%M %Z}."


def _posted_entries(data):
    """The slots as the form sent them, in the order sent, or None if any is not valid."""
    stories, headlines, deks, images = (
        data.getlist(name) for name in ("story", "headline", "dek", "image")
    )
    if not (len(stories) == len(headlines) == len(deks) == len(images)) or len(stories) > 60:
        return None
    entries = []
    for story, headline, dek, image in zip(stories, headlines, deks, images, strict=True):
        story_id, image_id = parse_id(story), parse_id(image) if image else None
        if story_id is None or (image and image_id is None) or len(headline) > 300:
            return None
        entries.append(curating.Entry(story_id, headline.strip(), dek.strip()[:2000], image_id))
    known = set(
        Story.objects.filter(pk__in=[e.story_id for e in entries]).values_list("pk", flat=True)
    )
    pictures = set(
        Image.objects.filter(pk__in=[e.image_id for e in entries if e.image_id]).values_list(
            "pk", flat=True
        )
    )
    if any(
        e.story_id not in known or (e.image_id and e.image_id not in pictures) for e in entries
    ):
        return None
    return entries


def _apply(data, entries):
    """The entries after the button pressed, and what it did, in words (None: nothing to add)."""
    added = data.get("pick") if "quick-add" in data else data.get("add")
    if added is not None:
        story = Story.objects.filter(pk=parse_id(added)).first()
        if story is None:
            return entries, None
        if any(e.story_id == story.pk for e in entries):
            return entries, f"“{story}” is already on the front"
        return [*entries, curating.Entry(story.pk)], f"Added “{story}”"
    for name, step in (("up", -1), ("down", 1), ("remove", 0)):
        index = parse_id(data.get(name, ""))
        if index is None or not 1 <= index <= len(entries):
            continue
        i = index - 1
        if step == 0:
            return entries[:i] + entries[i + 1 :], f"Removed slot {index}"
        j = min(max(i + step, 0), len(entries) - 1)
        entries[i], entries[j] = entries[j], entries[i]
        return entries, f"Moved slot {index} {name} to {j + 1}"
    return entries, "Saved the slots"


def history(model_admin, request, object_id):
    front = get_front(model_admin, request, object_id)
    versions = (
        front.versions.select_related("created_by", "restored_from")
        .annotate(slot_count=Count("slots"))
        .order_by("-takes_effect_at", "-pk")[:200]
    )
    current = front.version_at()
    return model_admin.render_page(
        request,
        "history.html",
        f"History of the {front}",
        original=front,
        front=front,
        versions=versions,
        current=current,
        now=timezone.now(),
        can_curate=curating.can_curate(request.user),
    )


def restore(model_admin, request, object_id, version_id):
    front = get_front(model_admin, request, object_id)
    if request.method != "POST":
        return HttpResponseBadRequest("Use the button on the front's history.")
    version = FrontVersion.objects.filter(front=front, pk=version_id).first()
    if version is None:
        raise Http404("No such version of this front.")
    curating.restore(version, by=request.user)
    messages.success(request, f"The front is back as it was from {version}. Readers see it now.")
    return redirect("admin:fronts_front_change", front.pk)


def preview(model_admin, request, object_id):
    """The front on the reader template as it will stand (or stood) at the time asked for."""
    front = get_front(model_admin, request, object_id)
    at = MomentForm(request.GET or None).moment() or timezone.now()
    first_page = partial(_first_page, request)
    if front.section_id:
        shown = reading.front(
            front.key, at, first_page, reading.section_stream, section=front.section_id
        )
    else:
        shown = reading.front(front.key, at, first_page)
    context = {"front": shown, "page": shown.page, "sections": [], "preview_at": at}
    if front.section_id:
        template, context["section"] = "stories/section_detail.html", front.section
    else:
        template = "stories/home.html"
    response = render(request, template, context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _first_page(request, rows):
    listed = list(rows(0, PAGE_SIZE + 1))
    return ListPage(listed[:PAGE_SIZE], 1, has_next=len(listed) > PAGE_SIZE)
