from .images import Image
from .people import Person
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
    "Section",
    "Source",
    "Story",
    "Tag",
    "TaggedStory",
]
