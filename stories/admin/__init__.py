# Importing each module registers its ModelAdmins.
from . import corrections, images, pages, people, sections, sources, stories, tags  # noqa: F401
