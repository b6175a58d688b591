"""Users in each newsroom role, and the POST data of the story admin form."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from stories.models import Revision

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


def story_post_data(story, base_revision=None, **changes):
    """What the admin change form posts for ``story`` unchanged, with ``changes`` applied."""
    data = {
        "kicker": story.kicker,
        "headline": story.headline,
        "dek": story.dek,
        "slug": story.slug,
        "body": story.body,
        "section": story.section_id,
        "kind": story.kind,
        "dateline": story.dateline,
        "hero_image": story.hero_image_id or "",
        "seo_headline": story.seo_headline,
        "status": story.status,
        "tags": ", ".join(story.tags.values_list("name", flat=True)) if story.pk else "",
        "people": list(story.people.values_list("pk", flat=True)) if story.pk else [],
        "related_stories": (
            list(story.related_stories.values_list("pk", flat=True)) if story.pk else []
        ),
        "base_revision": Revision.latest_id(story) if base_revision is None else base_revision,
        "_save": "Save",
    }
    for name in ("published_at", "embargo_until", "last_significant_update"):
        data[f"{name}_0"], data[f"{name}_1"] = _split(getattr(story, name))
    for prefix in ("bylines", "citations", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for name, value in changes.items():
        if name in ("published_at", "embargo_until", "last_significant_update"):
            data[f"{name}_0"], data[f"{name}_1"] = _split(value)
        else:
            data[name] = value
    return data
