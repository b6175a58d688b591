from .images import Image
from .people import Person
from .redirects import SlugHistory
from .sections import Section
from .sources import Citation, Source
from .stories import Byline, Correction, Story
from .tags import Tag, TagAlias, TaggedStory, TagMerge

__all__ = [
    "Byline",
    "Citation",
    "Correction",
    "Image",
    "Person",
    "Section",
    "SlugHistory",
    "Source",
    "Story",
    "Tag",
    "TagAlias",
    "TagMerge",
    "TaggedStory",
]
