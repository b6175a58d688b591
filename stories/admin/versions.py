"""The admin side of ``stories.models.versions``: each change form carries the version it shows.

``stories.forms.VersionedForm`` refuses a save started from an older version than the one
stored; these put its hidden field on the page and note who saves.
"""

from stories.forms import VERSION_FIELD as FIELD
from stories.forms import VersionedForm
from stories.models.versions import Versioned


class VersionedAdminMixin:
    """For the admin of a ``Versioned`` model: its form carries the version it shows."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.append((None, {"fields": [FIELD], "classes": ["hidden"]}))
        return fieldsets


def record_editor(obj, request):
    """Note who is saving ``obj``, if it keeps a version."""
    if isinstance(obj, Versioned):
        obj.changed_by = request.user
