"""What a story's form sends to be kept as its user's unsaved changes (``Autosave``).

The form sends ``{"form_key": "...", "fields": {"name": ["value", ...], ...}}``: every field
of the form with its values as typed, as the browser would post them. Nothing here is checked
as a story would be; it is only kept and offered back, to the same user, in the same form.
"""

import json
import re

from stories import workflow
from stories.models import Autosave

# More than a long story with its every field; what a form sends beyond this is refused.
MAX_BYTES = 1_000_000
MAX_FIELDS = 2_000
MAX_NAME = 200
# Made up by the add form of a story not created yet (static/js/admin-autosave.js).
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Never kept: the form's CSRF token, and the source of a citation, which the database holds
# only encrypted when the citation is anonymous (restoring leaves the sources as they are).
# A choice of an autocomplete box is kept with the names it showed ("<field>@labels"), so
# that restoring can show it again.
LEFT_OUT = re.compile(r"csrfmiddlewaretoken|citations-[^-]+-source(@labels)?")


class BadAutosave(ValueError):
    """What was sent is not a form's fields; the message says what is wrong."""


def may_autosave(user, story) -> bool:
    """Whoever may edit a story (or add one, for a story not created yet) may autosave it."""
    if story is None:
        return user.has_perm("stories.add_story")
    return workflow.can_edit(user, story)


def parse(body: bytes) -> tuple[str, dict[str, list[str]]]:
    """The form key and the fields in what a form sent, or ``BadAutosave``."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise BadAutosave("Send the form's fields as JSON.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        raise BadAutosave('Send an object with the form\'s "fields".')
    form_key = payload.get("form_key", "")
    if not isinstance(form_key, str) or (form_key and not FORM_KEY.fullmatch(form_key)):
        raise BadAutosave("The form key is 8 to 64 letters, digits, hyphens or underscores.")
    fields = payload["fields"]
    if len(fields) > MAX_FIELDS:
        raise BadAutosave(f"A form has at most {MAX_FIELDS} fields.")
    kept = {}
    for name, values in fields.items():
        if not name or len(name) > MAX_NAME or "\x00" in name:
            raise BadAutosave(f"A field name has 1 to {MAX_NAME} characters, none of them null.")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadAutosave(f"The field {name[:40]!r} needs a list of texts.")
        # No database keeps a null character in JSON (PostgreSQL refuses it).
        if any("\x00" in value for value in values):
            raise BadAutosave(f"The field {name[:40]!r} contains a null character.")
        if not LEFT_OUT.fullmatch(name):
            kept[name] = values
    return form_key, kept


def keep(*, user, story, body: bytes) -> Autosave:
    """Keep what the form sent as ``user``'s unsaved changes to ``story`` (None: a new story).

    Raises ``BadAutosave``. The caller has checked ``may_autosave``.
    """
    form_key, fields = parse(body)
    if story is None and not form_key:
        raise BadAutosave("A story not created yet is autosaved under its form key.")
    base = fields.get("base_revision", [""])[0]
    return Autosave.keep(
        user=user,
        story=story,
        form_key="" if story is not None else form_key,
        data=fields,
        base_revision=int(base) if base.isascii() and base.isdigit() and len(base) < 19 else None,
    )
