from django.conf import settings
from django.utils import timezone

import caching

from .models import Section
from .prepared import Prepared
from .purging import NAVIGATION

navigation = Prepared(lambda now: Section.objects.public(now).only("name", "slug"))


def site(request):
    caching.label(request, NAVIGATION)
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": navigation.queryset(now=timezone.now()),
    }
