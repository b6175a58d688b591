from django.utils import timezone
from django.utils.functional import SimpleLazyObject

import caching

from . import banners
from .models import BANNER


def banner(request):
    """The live breaking-news banner, read only by a page that shows it; the masthead's date."""
    caching.label(request, BANNER)
    return {"banner": SimpleLazyObject(banners.live), "today": timezone.localdate()}
