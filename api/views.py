"""``/api/v1/``: stories, sections, tags, people and corrections, read-only, as JSON.

django-ninja routes the requests, parses the query strings with the models of
``api.schemas`` and writes the OpenAPI schema (``/api/v1/openapi.json``) from them. The views
write their answers with ``api.representation``.
"""

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

import caching
from stories.listing import person_by_slug, section_by_slug, tag_by_slug
from stories.models import Correction, Person, Section, Story, Tag
from stories.purging import ALL_STORIES, CORRECTIONS, SECTIONS, list_key

from . import cursors, schemas
from . import representation as shown
from .models import EmbargoedRead, Scope


class ContentApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {})
        components["securitySchemes"] = {
            "partnerKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "A partner key issued by the newsroom. Without one, the API "
                "answers anyone at a lower rate limit.",
            }
        }
        schema["security"] = [{}, {"partnerKey": []}]
        return schema


api = ContentApi(
    title="Newsroom content API",
    version="1",
    description="What readers may see, read-only. Lists are newest first (stories, "
    "corrections) or by id, a page at a time: follow `next`. Errors answer "
    '`{"error": "..."}` with 400, 401, 403, 404 or 429 (with `Retry-After`).',
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)

ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 429: schemas.Error}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Error}
STORY_ERRORS = {**DETAIL_ERRORS, 410: schemas.Retracted}


def _error(status, message, detail=None, **fields):
    body = {"error": message, **fields}
    if detail is not None:
        body["detail"] = detail
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = [
        {"parameter": ".".join(str(part) for part in error.get("loc", ())[1:]), "problem": msg}
        for error in exc.errors
        for msg in [error.get("msg", "is not valid")]
    ]
    return _error(400, "A parameter is not valid: see detail.", detail)


@api.exception_handler(HttpError)
def refused(request, exc):
    return _error(exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(404, "Nothing readers may see has this id.")


def _answer(request, data, modified=None):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(", ", ": ")),
        content_type="application/json",
    )
    patch_vary_headers(response, ["Authorization"])
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    if request.api_key is not None:
        # A partner's answer is theirs (it may hold embargoed stories, it is counted against
        # their key): never kept by a shared cache, but revalidated with its ETag.
        response["Cache-Control"] = "private, no-cache"
    return response


def _check(request, filters, scope):
    """Refuse what the query string holds besides ``filters``' fields, and a key's missing
    scope."""
    known = type(filters).model_fields
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise HttpError(
            400, f"Unknown parameter {unknown[0]!r}: this list takes {', '.join(sorted(known))}."
        )
    repeated = sorted(name for name in request.GET if len(request.GET.getlist(name)) > 1)
    if repeated:
        raise HttpError(400, f"Give the parameter {repeated[0]!r} once.")
    _in_scope(request, scope)


def _in_scope(request, scope):
    key = request.api_key
    if key is not None and not key.may_read(scope):
        raise HttpError(403, f"This key may not read {scope}: ask the newsroom to add the scope.")


def _origin(request):
    return shown.Origin(f"{request.scheme}://{request.get_host()}")


def _cursor(build, value):
    if value is None:
        return None
    try:
        return build(value)
    except cursors.BadCursor as error:
        raise HttpError(400, str(error)) from error


def _page(request, origin, items, rows, limit, position):
    """The JSON of a page: its items and, past them, where the next page starts."""
    more = len(rows) > limit
    next_cursor = position(rows[limit - 1]) if more else None
    next_url = None
    if next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = origin.url(f"{request.path}?{query.urlencode()}")
    return {"items": items, "next": next_url, "next_cursor": next_cursor}


def _embargo_access(request):
    return request.api_key is not None and request.api_key.embargo_access


def _log_embargoed(request, stories, now):
    """Note each story a partner key just read under embargo."""
    reads = [
        EmbargoedRead(
            key=request.api_key,
            story_id=story.pk,
            headline=story.headline,
            embargo_until=story.embargo_until,
            read_at=now,
            path=request.get_full_path()[:500],
        )
        for story in stories
        if shown.embargo(story, now) is not None
    ]
    if reads:
        EmbargoedRead.objects.bulk_create(reads)


def _find(by_slug, now, slug, what):
    found = by_slug(now=now, slug=slug)
    if not found:
        raise HttpError(400, f"No {what} readers may see has the slug {slug!r}.")
    return found[0]


@api.get(
    "/stories/",
    response={200: schemas.StoryPage, **ERRORS},
    summary="Stories, newest first",
    tags=["stories"],
)
def stories(request, filters: Query[schemas.StoryFilters]):
    _check(request, filters, Scope.STORIES)
    now, origin = timezone.now(), _origin(request)
    query = {"now": now, "embargo_access": _embargo_access(request), "limit": filters.limit}
    caching.label(request, ALL_STORIES)
    for name, by_slug in (
        ("section", section_by_slug),
        ("tag", tag_by_slug),
        ("person", person_by_slug),
    ):
        slug = getattr(filters, name)
        if slug:
            about = _find(by_slug, now, slug, name)
            query[name] = about.pk
            caching.label(request, list_key(about))
    if filters.kind:
        query["kind"] = filters.kind
    if filters.updated_since:
        query["since"] = filters.updated_since
    if filters.cursor is not None:
        query["after_time"], query["after_id"] = _cursor(
            cursors.newest_first_position_of, filters.cursor
        )
    rows = shown.story_list(**query)
    page = rows[: filters.limit]
    if _embargo_access(request):
        _log_embargoed(request, page, now)
    items = [shown.story_summary(story, origin, now) for story in page]
    modified = max((shown.modified(story) for story in page), default=None)
    data = _page(request, origin, items, rows, filters.limit, cursors.newest_first_position)
    return _answer(request, data, modified)


@api.get(
    "/stories/{story_id}/",
    response={200: schemas.Story, **STORY_ERRORS},
    summary="A story, whole",
    tags=["stories"],
)
def story(request, story_id: int):
    _in_scope(request, Scope.STORIES)
    _no_parameters(request)
    if not 0 < story_id <= cursors.MAX_ID:
        raise Http404
    now = timezone.now()
    data = shown.story_detail(story_id, _origin(request), now, _embargo_access(request))
    if data is None:
        return _retracted(request, story_id)
    loaded = data.pop("_story")
    if data["embargo"] is not None:
        _log_embargoed(request, [loaded], now)
    return _answer(request, data, shown.modified(loaded))


def _retracted(request, story_id):
    """410 for a retracted story, with the address of its notice; else 404."""
    story = Story.objects.retracted().filter(pk=story_id).first()
    if story is None:
        raise Http404
    return _error(
        410,
        "This story was retracted: its notice and corrections are at its url.",
        url=_origin(request).url(story.get_absolute_url()),
        retracted_at=shown.iso(story.retracted_at),
    )


def _no_parameters(request):
    if request.GET:
        raise HttpError(400, f"Unknown parameter {sorted(request.GET)[0]!r}: this takes none.")


def _by_id(request, filters, scope, queryset, describe, *labels):
    _check(request, filters, scope)
    origin = _origin(request)
    caching.label(request, *labels)
    after = _cursor(cursors.after_id, filters.cursor)
    if after is not None:
        queryset = queryset.filter(after)
    rows = list(queryset.order_by("pk")[: filters.limit + 1])
    items = [describe(obj, origin) for obj in rows[: filters.limit]]
    data = _page(request, origin, items, rows, filters.limit, lambda obj: cursors.encode(obj.pk))
    return _answer(request, data)


def _one(request, scope, queryset, pk, describe):
    _in_scope(request, scope)
    _no_parameters(request)
    if not 0 < pk <= cursors.MAX_ID:
        raise Http404
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return _answer(request, describe(obj, _origin(request)))


@api.get(
    "/sections/",
    response={200: schemas.SectionPage, **ERRORS},
    summary="Sections, by id",
    tags=["sections"],
)
def sections(request, filters: Query[schemas.Paging]):
    public = Section.objects.public(timezone.now())
    return _by_id(request, filters, Scope.SECTIONS, public, shown.section_detail, SECTIONS)


@api.get(
    "/sections/{section_id}/",
    response={200: schemas.Section, **DETAIL_ERRORS},
    summary="A section",
    tags=["sections"],
)
def section(request, section_id: int):
    public = Section.objects.public(timezone.now())
    return _one(request, Scope.SECTIONS, public, section_id, shown.section_detail)


@api.get("/tags/", response={200: schemas.TagPage, **ERRORS}, summary="Tags, by id", tags=["tags"])
def tags(request, filters: Query[schemas.Paging]):
    public = Tag.objects.public(timezone.now())
    return _by_id(request, filters, Scope.TAGS, public, shown.tag_detail, ALL_STORIES)


@api.get(
    "/tags/{tag_id}/", response={200: schemas.Tag, **DETAIL_ERRORS}, summary="A tag", tags=["tags"]
)
def tag(request, tag_id: int):
    public = Tag.objects.public(timezone.now())
    return _one(request, Scope.TAGS, public, tag_id, shown.tag_detail)


@api.get(
    "/people/",
    response={200: schemas.PersonPage, **ERRORS},
    summary="People, by id",
    tags=["people"],
)
def people(request, filters: Query[schemas.Paging]):
    public = Person.objects.public(timezone.now()).select_related("photo")
    return _by_id(request, filters, Scope.PEOPLE, public, shown.person_detail, ALL_STORIES)


@api.get(
    "/people/{person_id}/",
    response={200: schemas.Person, **DETAIL_ERRORS},
    summary="A person",
    tags=["people"],
)
def person(request, person_id: int):
    public = Person.objects.public(timezone.now()).select_related("photo")
    return _one(request, Scope.PEOPLE, public, person_id, shown.person_detail)


@api.get(
    "/corrections/",
    response={200: schemas.CorrectionPage, **ERRORS},
    summary="Corrections, newest first",
    tags=["corrections"],
)
def corrections(request, filters: Query[schemas.Paging]):
    _check(request, filters, Scope.CORRECTIONS)
    now, origin = timezone.now(), _origin(request)
    caching.label(request, CORRECTIONS)
    listed = Correction.objects.public(now).select_related("story")
    listed = listed.only(
        "kind", "text", "published_at", "story__headline", "story__slug", "story__published_at"
    )
    after = _cursor(cursors.newest_first_after, filters.cursor)
    if after is not None:
        listed = listed.filter(after)
    rows = list(listed.order_by("-published_at", "-pk")[: filters.limit + 1])
    items = [shown.correction(c, origin, c.story) for c in rows[: filters.limit]]
    data = _page(request, origin, items, rows, filters.limit, cursors.newest_first_position)
    return _answer(request, data)
