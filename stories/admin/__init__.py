from . import images, library, pages, stories  # noqa: F401  (registers the ModelAdmins)
