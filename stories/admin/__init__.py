from . import library, stories  # noqa: F401  (registers the ModelAdmins)
