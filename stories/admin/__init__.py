from . import images, library, pages, stories, tags  # noqa: F401  (registers the ModelAdmins)
