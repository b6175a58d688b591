from . import images, library, stories  # noqa: F401  (registers the ModelAdmins)
