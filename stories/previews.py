"""Stories as readers would see them, before readers may: for editors and invited reviewers."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache

from . import story_page
from .models import PreviewLink, Story


@dataclass
class Preview:
    """What the preview banner tells the viewer about the story's state."""

    story: Story
    shared: bool

    @cached_property
    def is_public(self) -> bool:
        # A query; the banner asks more than once.
        return self.story.is_public

    @property
    def embargoed(self) -> bool:
        return self.story.is_embargoed

    @property
    def scheduled(self) -> bool:
        return self.story.is_scheduled


def render_preview(request, story, *, shared=False):
    """The story on the public story template, marked as a preview, never cached or indexed."""
    story = story_page.complete(
        Story.objects.select_related("section", "hero_image").get(pk=story.pk)
    )
    related = Story.objects.public().related_to(story)
    context = {"story": story, "related": related, "preview": Preview(story, shared)}
    response = render(request, "stories/story_detail.html", context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def shared_preview(request, token):
    link = PreviewLink.find_active(token)
    if link is None:
        raise Http404("This preview link is not valid: it may have expired or been revoked.")
    return render_preview(request, link.story, shared=True)
