from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import resolve, reverse

from .models import SlugHistory


class Moved(Exception):
    """Raised by a view to answer with a permanent redirect (see ``MovedMiddleware``)."""

    def __init__(self, location):
        super().__init__(location)
        self.location = location


def get_object_or_moved(request, queryset, slug):
    """Return the object in ``queryset`` with ``slug``.

    If an object in ``queryset`` used to have that slug, raise ``Moved`` to the
    same view (the page, or one of its feeds) at the object's current address.
    Otherwise raise ``Http404``. Only objects in ``queryset`` are ever revealed,
    so pass the public queryset.
    """
    try:
        return queryset.get(slug=slug)  # Slugs are unique: no ordering, no second row.
    except queryset.model.DoesNotExist:
        pass
    moved = SlugHistory.find(queryset, slug)
    if moved is None:
        raise Http404
    raise Moved(_same_view_for(request, moved))


def public_by_slug(request, prepared, model, slug, now):
    """What the prepared query ``prepared`` finds by ``slug`` at ``now``; for a slug it does
    not find, what ``get_object_or_moved`` answers among ``model``'s public objects."""
    found = prepared(slug=slug, now=now)
    return found[0] if found else get_object_or_moved(request, model.objects.public(now), slug)


def _same_view_for(request, obj):
    """The address of the view that was asked for (a page, a feed), now for ``obj``."""
    location = obj.get_absolute_url()
    match = request.resolver_match
    if match is not None and resolve(location).view_name != match.view_name:
        location = reverse(
            match.view_name, args=match.args, kwargs={**match.kwargs, "slug": obj.slug}
        )
    query = request.META.get("QUERY_STRING")
    return location + (f"?{query}" if query else "")


class MovedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Moved):
            return HttpResponsePermanentRedirect(exception.location)
        return None
