from django.conf import settings

from .models import Section


def site(request):
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": Section.objects.only("name", "slug"),
    }
