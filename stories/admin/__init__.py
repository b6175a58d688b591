from . import library, stories, tags  # noqa: F401  (registers the ModelAdmins)
