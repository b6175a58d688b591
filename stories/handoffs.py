"""Hand-offs: who is told when a story changes hands, and what the person handing it on said.

Each status change (``StatusChange``, with its ``note``) concerns the staff in the story's
bylines, whoever created it and, for a story sent for review, the editors. They see it on
their desk (``stories.desk``) and, once the change is committed, get an e-mail through
Django's e-mail framework (the console backend unless ``EMAIL_BACKEND`` says otherwise). The
person who made the change is not told of it.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from .models import Story
from .models.stories import PUBLISH_PERMISSION

logger = logging.getLogger(__name__)


def editors():
    """Active users who may publish: those a story sent for review waits for."""
    app_label, codename = PUBLISH_PERMISSION.split(".")
    may_publish = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(may_publish | Q(is_superuser=True)).distinct()


def people_concerned(change):
    """The users a status change concerns, but the one who made it."""
    story = change.story
    users = get_user_model().objects.filter(is_active=True)
    concerned = Q(person__bylines__story=story)
    if story.created_by_id:
        concerned |= Q(pk=story.created_by_id)
    if change.to_status == Story.Status.IN_REVIEW:
        concerned |= Q(pk__in=editors().values("pk"))
    found = users.filter(concerned).distinct()
    if change.changed_by_id:
        found = found.exclude(pk=change.changed_by_id)
    return list(found.order_by("pk"))


def tell_people_concerned(change):
    """E-mail the people ``change`` concerns once the transaction that made it commits."""
    transaction.on_commit(lambda: _send(change))


def _send(change):
    recipients = [user.email for user in people_concerned(change) if user.email]
    if not recipients:
        return
    story, by = change.story, change.changed_by
    who = (by.get_full_name() or by.get_username()) if by else "The newsroom's system"
    address = reverse("admin:stories_story_change", args=[story.pk])
    lines = [
        f"{who} moved “{story}” from {change.from_label} to {change.to_label}.",
        "",
        *([f"Their note: {change.note}", ""] if change.note else []),
        f"Open it: {settings.SITE_URL}{address}" if settings.SITE_URL else f"Open it: {address}",
    ]
    subject = f"{change.to_label}: {story}"[:150]
    messages = [
        (subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [recipient])
        for recipient in recipients
    ]
    try:
        send_mass_mail(messages)
    except Exception:  # The change is committed; a mail server's failure must not undo it.
        logger.exception("Could not e-mail the people concerned by %s", change)
