"""The one path that changes a front or the banner: each action checks the editor's right,
saves, and adds what readers will see differently to the transaction's change record.

``by`` is the user acting, or ``stories.workflow.SYSTEM`` for a program (the demo loader),
recorded as no user, with what it is in the version's note.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from stories import changes
from stories.purging import VISIBILITY
from stories.workflow import SYSTEM

from .models import BANNER, Banner, FrontVersion, Slot

CURATE_PERMISSION = "fronts.change_front"


@dataclass
class Entry:
    """A slot as an editor arranges it, before it is saved."""

    story_id: int
    headline: str = ""
    dek: str = ""
    image_id: int | None = None

    @classmethod
    def of(cls, slot):
        return cls(slot.story_id, slot.headline, slot.dek, slot.image_id)


def can_curate(user):
    return user is SYSTEM or (user is not None and user.has_perm(CURATE_PERMISSION))


def _user(by):
    return None if by is SYSTEM else by


def entries_at(front, moment=None):
    """The slots of the version in effect at ``moment``, to arrange further."""
    version = front.version_at(moment)
    return [Entry.of(slot) for slot in version.slots.all()] if version else []


def arrange(front, entries, *, by, takes_effect_at=None, note="", restored_from=None):
    """Save ``entries`` as a new version of ``front``, shown from ``takes_effect_at`` (now)."""
    if not can_curate(by):
        raise PermissionDenied("Only editors arrange fronts.")
    seen = set()
    entries = [e for e in entries if not (e.story_id in seen or seen.add(e.story_id))]
    with transaction.atomic():
        version = FrontVersion.objects.create(
            front=front,
            takes_effect_at=takes_effect_at or timezone.now(),
            note=note[:200],
            restored_from=restored_from,
            created_by=_user(by),
        )
        Slot.objects.bulk_create(
            Slot(
                version=version,
                position=position,
                story_id=entry.story_id,
                headline=entry.headline,
                dek=entry.dek,
                image_id=entry.image_id,
            )
            for position, entry in enumerate(entries, start=1)
        )
        # The horizon too: a scheduled version bounds how long a cached page may live.
        changes.touch(keys=[front.surrogate_key, VISIBILITY])
    return version


def restore(version, *, by, takes_effect_at=None):
    """Show ``version``'s arrangement again, as a new version: history is never rewritten."""
    when = timezone.localtime(version.takes_effect_at)
    return arrange(
        version.front,
        [Entry.of(slot) for slot in version.slots.all()],
        by=by,
        takes_effect_at=takes_effect_at,
        note=f"Restored the front of {when:%Y-%m-%d %H:%M}",
        restored_from=version,
    )


def banner_changed(banner):
    """Every reader page shows the banner, and its times bound how long a cached page lives."""
    changes.touch(keys=[BANNER, VISIBILITY])


def save_banner(banner, *, by):
    if by is not SYSTEM and not by.has_perm(
        "fronts.change_banner" if banner.pk else "fronts.add_banner"
    ):
        raise PermissionDenied("Only editors publish banners.")
    with transaction.atomic():
        if banner.created_by_id is None:
            banner.created_by = _user(by)
        banner.save()
        banner_changed(banner)
    return banner


def delete_banner(banner, *, by):
    if not by.has_perm("fronts.delete_banner"):
        raise PermissionDenied("Only editors take banners down.")
    with transaction.atomic():
        banner.delete()
        banner_changed(banner)


__all__ = ["BANNER", "Banner", "Entry", "arrange", "can_curate", "entries_at", "restore"]
