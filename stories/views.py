from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from .models import Citation, Person, Section, Story, Tag
from .search import MAX_RESULTS, results_page
from .search.forms import SearchForm
from .shortcuts import get_object_or_moved

PAGE_SIZE = 20


def paginate(request, queryset):
    """Return the requested page; a bad or out-of-range ``?page=`` gives a sensible one."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    stories = Story.objects.public().for_listing()
    return render(request, "stories/home.html", {"page": paginate(request, stories)})


def story_detail(request, year, month, day, slug):
    story = get_object_or_moved(
        request,
        Story.objects.public()
        .for_listing()
        .prefetch_related(
            "tags",
            "people",
            "corrections",
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
        ),
        slug=slug,
    )
    published = timezone.localdate(story.published_at)
    if (published.year, published.month, published.day) != (year, month, day):
        return redirect(story, permanent=True)
    related = Story.objects.public().for_listing().filter(related_stories=story)
    return render(request, "stories/story_detail.html", {"story": story, "related": related})


def section_detail(request, slug):
    section = get_object_or_moved(request, Section.objects.all(), slug)
    stories = Story.objects.public().for_listing().filter(section=section)
    context = {"section": section, "page": paginate(request, stories)}
    return render(request, "stories/section_detail.html", context)


def tag_detail(request, slug):
    tag = get_object_or_moved(request, Tag.objects.all(), slug)
    stories = Story.objects.public().for_listing().filter(tags=tag)
    return render(
        request, "stories/tag_detail.html", {"tag": tag, "page": paginate(request, stories)}
    )


def person_detail(request, slug):
    person = get_object_or_moved(request, Person.objects.all(), slug)
    public = Story.objects.public().for_listing()
    stories_by = public.filter(bylines__person=person).distinct()[:PAGE_SIZE]
    stories_about = public.filter(people=person).distinct()[:PAGE_SIZE]
    if not (person.is_staff_member or stories_by or stories_about):
        # Someone known only from unpublished work is not announced to readers.
        raise Http404
    context = {"person": person, "stories_by": stories_by, "stories_about": stories_about}
    return render(request, "stories/person_detail.html", context)


def search(request):
    form = SearchForm(request.GET)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        page = results_page(
            form.narrow(Story.objects.public().for_listing()),
            form.cleaned_data["q"],
            request.GET.get("page"),
            per_page=PAGE_SIZE,
            newest_first=form.cleaned_data["order"] == "newest",
        )
    context = {"form": form, "page": page, "max_results": MAX_RESULTS}
    return render(request, "stories/search.html", context)
