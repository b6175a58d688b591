from .images import Image
from .people import Person
from .redirects import SlugHistory
from .search import SearchEntry
from .sections import Section
from .sources import Citation, Source
from .stories import Byline, Correction, Story
from .tags import Tag, TaggedStory

__all__ = [
    "Byline",
    "Citation",
    "Correction",
    "Image",
    "Person",
    "SearchEntry",
    "Section",
    "SlugHistory",
    "Source",
    "Story",
    "Tag",
    "TaggedStory",
]
