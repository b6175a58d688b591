from .images import Image
from .pages import Page
from .people import Person
from .redirects import SlugHistory
from .sections import Section
from .sources import Citation, Source
from .stories import Byline, Correction, Story
from .tags import Tag, TaggedStory

__all__ = [
    "Byline",
    "Citation",
    "Correction",
    "Image",
    "Page",
    "Person",
    "Section",
    "SlugHistory",
    "Source",
    "Story",
    "Tag",
    "TaggedStory",
]
