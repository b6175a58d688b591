"""Users in each newsroom role, and the POST data of the story admin form."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from stories.models import Revision, Story

# From the lowest role up.
ROLES = ["anonymous", "staff", "reporter", "editor", "superuser"]


def make_user(role, username=None):
    """A user in ``role``; "staff" may sign in to the admin but holds no newsroom role."""
    if role == "anonymous":
        return None
    User = get_user_model()
    username = username or role
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.org", "pw")
    user = User.objects.create_user(
        username, f"{username}@example.org", "pw", is_staff=True, first_name=username.title()
    )
    if role in ("reporter", "editor"):
        user.groups.add(Group.objects.get(name=role.title()))
    return user


def _split(value):
    if value is None:
        return "", ""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


_TIMES = {f.name for f in Story._meta.concrete_fields if isinstance(f, models.DateTimeField)}


def _posted(name, value):
    """How the admin form posts field ``name`` of a story holding ``value``."""
    if name in _TIMES:
        return dict(zip([f"{name}_0", f"{name}_1"], _split(value), strict=True))
    return {name: "" if value is None else value}


def story_post_data(story, base_revision=None, **changes):
    """What the admin change form posts for ``story`` unchanged, with ``changes`` applied."""
    data = {}
    for field in Story._meta.concrete_fields:
        if field.editable and not field.primary_key:
            data |= _posted(field.name, getattr(story, field.attname))
    data |= {
        "tags": ", ".join(story.tags.values_list("name", flat=True)) if story.pk else "",
        "people": list(story.people.values_list("pk", flat=True)) if story.pk else [],
        "related_stories": (
            list(story.related_stories.values_list("pk", flat=True)) if story.pk else []
        ),
        "base_revision": Revision.latest_id(story) if base_revision is None else base_revision,
        "_save": "Save",
    }
    for prefix in ("bylines", "citations", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for name, value in changes.items():
        data |= _posted(name, value)
    return data
