"""The newsroom's models: the bottom layer of the ``stories`` app.

Dependencies point one way, downwards::

    admin/, views, feeds, sitemaps, previews, templatetags/   (what people see and use)
        -> workflow.py, access.py, revisions.py, tagging.py    (rules and actions across models)
        -> search/                                             (the reader's search index)
        -> models/                                             (this package)
        -> images.py, sanitize.py, encryption.py, addresses.py, prepared.py
                                      (leaf helpers: Pillow, nh3, Fernet, reverse(), compiled
                                       queries; they import nothing of the project)

Models import nothing above them: no templates, no search, no admin, no workflow module.
What a model needs to know about stored content lives here (an inline picture in a body is
parsed beside ``Image``); how it is shown to readers lives in the views and template tags;
anything that changes several models at once is a workflow module beside ``tagging.py``.

Inside this package, ``stories.py`` imports the models a story is made of; those reach
``Story`` back through the app registry (``apps.get_model``), as their relations do by name,
never by an import. ``python scripts/import_cycles.py`` checks that no import cycle remains.
"""

from .images import Image
from .pages import Page
from .people import Person
from .redirects import SlugHistory
from .revisions import Revision
from .search import SearchEntry
from .sections import Section
from .sources import Citation, Source, SourceAccess
from .stories import Byline, Correction, Story
from .tags import Tag, TagAlias, TaggedStory, TagMerge
from .workflow import Autosave, EditingPresence, PreviewLink, StatusChange

__all__ = [
    "Autosave",
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
    "SourceAccess",
    "StatusChange",
    "Story",
    "Tag",
    "TagAlias",
    "TagMerge",
    "TaggedStory",
]
