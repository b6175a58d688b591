from .images import Image
from .pages import Page
from .people import Person
from .redirects import SlugHistory
from .revisions import Revision
from .search import SearchEntry
from .sections import Section
from .sources import Citation, Source
from .stories import Byline, Correction, Story
from .tags import Tag, TagAlias, TaggedStory, TagMerge
from .workflow import EditingPresence, PreviewLink, StatusChange

__all__ = [
    "Byline",
    "Citation",
    "Correction",
    "EditingPresence",
    "Image",
    "Page",
    "Person",
    "PreviewLink",
    "Revision",
    "SearchEntry",
    "Section",
    "SlugHistory",
    "Source",
    "StatusChange",
    "Story",
    "Tag",
    "TagAlias",
    "TagMerge",
    "TaggedStory",
]
