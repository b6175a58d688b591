from django.http import Http404, HttpResponsePermanentRedirect

from .models import SlugHistory


class Moved(Exception):
    """Raised by a view to answer with a permanent redirect (see ``MovedMiddleware``)."""

    def __init__(self, location):
        super().__init__(location)
        self.location = location


def get_object_or_moved(request, queryset, slug):
    """Return the object in ``queryset`` with ``slug``.

    If an object in ``queryset`` used to have that slug, raise ``Moved`` to its
    current address, keeping whatever followed the slug in the path (a feed, a
    page number). Otherwise raise ``Http404``. Only objects in ``queryset`` are
    ever revealed, so pass the public queryset.
    """
    obj = queryset.filter(slug=slug).first()
    if obj is not None:
        return obj
    moved = SlugHistory.find(queryset, slug)
    if moved is None:
        raise Http404
    _, _, rest = request.path.partition(f"/{slug}/")
    query = request.META.get("QUERY_STRING")
    raise Moved(moved.get_absolute_url() + rest + (f"?{query}" if query else ""))


class MovedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Moved):
            return HttpResponsePermanentRedirect(exception.location)
        return None
