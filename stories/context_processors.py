from django.conf import settings

import caching

from .models import Section
from .purging import NAVIGATION


def site(request):
    caching.label(request, NAVIGATION)
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": Section.objects.public().only("name", "slug"),
    }
