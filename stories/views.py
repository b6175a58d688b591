import datetime
from functools import partial
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

import caching
from fronts import reading
from fronts.models import HOME, front_key
from live import reader as live_reader
from live import search as live_search

from . import listing, story_page, structured_data
from .addresses import address
from .models import Page, Person, Section, Story, Tag
from .pagination import PAGE_SIZE, paginate
from .purging import ALL_STORIES, CORRECTIONS, archive_key, list_key
from .search import MAX_RESULTS, results_page
from .search.forms import SearchForm
from .search.suggestions import suggest_query
from .shortcuts import public_by_slug

STORIES_PER_SECTION = 3


def date_or_404(year, month=1, day=1):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise Http404("There is no such date.") from None


def archive_span(year, month=None, day=None):
    """The first day of an archive and the aware datetimes bounding it in the newsroom's zone."""
    try:
        first = datetime.date(year, 1 if month is None else month, 1 if day is None else day)
        if day:
            after = first + datetime.timedelta(days=1)
        elif month:
            after = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        else:
            after = first.replace(year=year + 1)
        zone = timezone.get_current_timezone()
        span = [datetime.datetime.combine(d, datetime.time(), zone) for d in (first, after)]
        for moment in span:
            moment.astimezone(datetime.UTC)  # The database stores UTC; it must fit there too.
    except (ValueError, OverflowError):
        raise Http404("There is no such date.") from None
    return first, *span


def stories_by_section(now):
    """The newest few public stories of every section, in one query, grouped by section."""
    stories = listing.newest_of_each_section(now=now, per_section=STORIES_PER_SECTION)
    return [(section, list(group)) for section, group in groupby(stories, attrgetter("section"))]


@require_safe
def home(request):
    caching.label(request, ALL_STORIES, f"front-{HOME}")
    now = timezone.now()
    front = reading.front(HOME, now, partial(paginate, request))
    context = {"front": front, "page": front.page, "sections": []}
    context["site_data"] = structured_data.home(request)
    if front.page.number == 1:
        context["sections"] = stories_by_section(now)
    return render(request, "stories/home.html", context)


@require_safe
def story_detail(request, year, month, day, slug):
    date_or_404(year, month, day)
    try:
        story, related = story_page.public_story_and_related(request, slug)
    except Http404:
        return retracted_story(request, year, month, day, slug)
    published = timezone.localdate(story.published_at)
    if (published.year, published.month, published.day) != (year, month, day):
        return redirect(story, permanent=True)
    context = {"story": story, "related": related}
    # Before the JSON-LD: a live story's "last updated" follows its latest update.
    context |= live_reader.coverage_context(request, story)
    context["article_data"] = structured_data.news_article(request, story)
    context["breadcrumb_data"] = structured_data.breadcrumbs(request, story)
    if "live" in context:
        context["article_data"] = live_reader.live_blog_posting(
            request, story, context["article_data"], context
        )
    return render(request, "stories/story_detail.html", context)


def retracted_story(request, year, month, day, slug):
    """What stays at the address of a retracted story: the notice, and its corrections."""
    story = get_object_or_404(Story.objects.retracted(), slug=slug)
    published = timezone.localdate(story.published_at)
    if (published.year, published.month, published.day) != (year, month, day):
        return redirect(story, permanent=True)
    corrections = sorted(
        story.corrections.all(), key=lambda c: (c.published_at, c.pk), reverse=True
    )
    response = render(
        request, "stories/story_retracted.html", {"story": story, "corrections": corrections}
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def section_detail(request, slug):
    now = timezone.now()
    section = public_by_slug(request, listing.section_by_slug, Section, slug, now)
    key = front_key(section)
    caching.label(request, list_key(section), f"front-{key}")
    front = reading.front(
        key, now, partial(paginate, request), reading.section_stream, section=section.pk
    )
    context = {"section": section, "front": front, "page": front.page}
    return render(request, "stories/section_detail.html", context)


@require_safe
def tag_detail(request, slug):
    now = timezone.now()
    tag = public_by_slug(request, listing.tag_by_slug, Tag, slug, now)
    caching.label(request, list_key(tag))
    stories = listing.of_tag(now=now, tag=tag.pk)
    return render(
        request, "stories/tag_detail.html", {"tag": tag, "page": paginate(request, stories)}
    )


@require_safe
def person_detail(request, slug):
    now = timezone.now()
    person = public_by_slug(request, listing.person_by_slug, Person, slug, now)
    caching.label(request, list_key(person))

    def is_by(story):
        return any(byline.person_id == person.pk for byline in story.byline_list)

    page = paginate(request, listing.of_person(now=now, person=person.pk))
    context = {
        "person": person,
        "page": page,
        "stories_by": [story for story in page if is_by(story)],
        "stories_about": [story for story in page if not is_by(story)],
        "person_data": structured_data.person(request, person),
    }
    return render(request, "stories/person_detail.html", context)


@require_safe
def archive(request, year, month=None, day=None):
    first, start, end = archive_span(year, month, day)
    caching.label(request, archive_key(year, month, day))
    now = timezone.now()
    page = paginate(request, listing.of_day_span(now=now, start=start, end=end))
    if not page:
        raise Http404("Nothing was published on that date.")
    periods = []
    if not day:
        kind = "day" if month else "month"
        periods = listing.periods_between(now=now, start=start, end=end, kind=kind)
    period_format = "F j, Y" if day else "F Y" if month else "Y"
    context = {
        "page": page,
        "first": first,
        "month": month,
        "day": day,
        "periods": periods,
        "heading": f"Stories from {date_format(first, period_format)}",
    }
    return render(request, "stories/archive.html", context)


@require_safe
def corrections(request):
    caching.label(request, CORRECTIONS)
    page = paginate(request, listing.corrections(now=timezone.now()))
    return render(request, "stories/corrections.html", {"page": page})


@require_safe
def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    context = {"standing_page": page}
    if page.is_about:
        # The masthead: every member of staff, whoever is added or leaves.
        caching.label(request, "list-persons")
        staff = Person.objects.public().filter(is_staff_member=True)
        context["staff"] = staff.only("name", "slug", "title")
        context["about_data"] = structured_data.about_page(request, page)
    return render(request, "stories/page_detail.html", context)


@require_safe
def contact(request):
    """A short address for how to reach the newsroom: the About page's contact section."""
    return redirect(address("stories:page", slug=Page.ABOUT) + "#contact")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _error_context():
    # Error pages use neither the database nor the request: either may be what failed.
    return {"newsroom_name": settings.NEWSROOM_NAME, "newsroom_tagline": settings.NEWSROOM_TAGLINE}


def bad_request(request, exception):
    return HttpResponseBadRequest(render_to_string("400.html", _error_context()))


def server_error(request):
    return HttpResponseServerError(render_to_string("500.html", _error_context()))


def permission_denied(request, exception):
    return _forbidden("403.html")


def csrf_failure(request, reason=""):
    """A form sent without its CSRF check (cookies blocked, a page open too long, another
    site's form): nothing was received; say so, and how to send it again."""
    return _forbidden("403_csrf.html", no_cookie=reason == REASON_NO_CSRF_COOKIE)


def _forbidden(template, **context):
    # Refused to this user alone: never stored, by us or by anyone between.
    response = HttpResponseForbidden(render_to_string(template, _error_context() | context))
    add_never_cache_headers(response)
    return response


@require_safe
def search(request):
    caching.label(request, ALL_STORIES)
    form = SearchForm(request.GET)
    page = suggestion = None
    if form.is_valid() and form.cleaned_data["q"]:
        stories = form.narrow(Story.objects.public().for_listing().select_related("section"))
        stories = live_search.mark_live(stories)
        page = results_page(
            stories,
            form.cleaned_data["q"],
            request.GET.get("page"),
            per_page=PAGE_SIZE,
            newest_first=form.cleaned_data["order"] == "newest",
        )
        live_search.link_matching_updates(page, form.cleaned_data["q"])
        if not page.paginator.count:
            suggestion = suggest_query(stories, form.cleaned_data["q"])
    context = {"form": form, "page": page, "suggestion": suggestion, "max_results": MAX_RESULTS}
    return render(request, "stories/search.html", context)
