"""Who may see and change the records stories are made of: people, sources, pictures.

A story's own rules (who edits, publishes, corrects it) are in ``stories.workflow``. These
are the rules for what hangs off stories; the admin applies them, and so must any other way
in (an API, a command), rather than restate them.
"""

from stories.models import Image, Person, Source, Story

from .workflow import PUBLISH_PERMISSION, can_publish

CONTACTS_PERMISSION = "stories.view_source_contacts"

# Fields some roles may neither see nor search, and the permission that unlocks each.
HIDDEN_FIELDS = {
    (Source, "contact_details"): CONTACTS_PERMISSION,
    (Source, "private_notes"): CONTACTS_PERMISSION,
    (Source, "has_contact_details"): CONTACTS_PERMISSION,
    (Image, "usage_note"): PUBLISH_PERMISSION,
}


def may_see_field(user, model, name) -> bool:
    """Whether ``user`` may see (or search, or filter on) the field ``name`` of ``model``."""
    permission = HIDDEN_FIELDS.get((model, name))
    return permission is None or user.has_perm(permission)


def may_see_contacts(user) -> bool:
    """Whether ``user`` may read sources' contact details and private notes."""
    return user.has_perm(CONTACTS_PERMISSION)


def stories_showing(obj):
    """The stories that show ``obj`` (a picture, a person or a source) to their readers."""
    if isinstance(obj, Image):
        return Story.objects.showing(obj)
    if isinstance(obj, Person):
        return Story.objects.by_or_about(obj)
    if isinstance(obj, Source):
        return Story.objects.filter(citations__source=obj)
    raise TypeError(f"No story shows a {type(obj).__name__}.")


def story_keeping_from(user, obj):
    """The published story that keeps ``user`` from changing or deleting ``obj``, or None.

    Something a published story shows changes only with an editor, like the story itself:
    a published story goes to readers, now or at its publish time, so a reporter changing a
    person, source or picture it shows would change what readers see without review.
    """
    if obj is None or obj.pk is None or can_publish(user):
        return None
    return (
        stories_showing(obj)
        .filter(status=Story.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
    )
