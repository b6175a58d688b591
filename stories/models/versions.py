"""A version number on everything editors change besides stories, so no save overwrites another.

Stories have revisions and ``workflow.check_save``; people, sources, tags, sections, pages,
corrections and pictures carry a ``version`` instead. Each save of an existing row raises
it by one with a conditional ``UPDATE ... WHERE version = <the version the saver loaded>``,
so of two saves started from the same version only the first goes through; the second
raises ``VersionConflict`` instead of silently replacing it. Forms carry the version they
were opened at (``stories.admin.versions``) and report the conflict before anything is saved.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone


class VersionConflict(ValidationError):
    """Someone saved the object after the version being saved was loaded."""

    def __init__(self, obj, current):
        super().__init__(
            f"“{obj}” was saved by someone else after this version was opened.", code="conflict"
        )
        self.obj, self.current = obj, current


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    changed_at = models.DateTimeField("last changed", null=True, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="last changed by",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.changed_at = timezone.now()
        if self._state.adding or self.pk is None:
            self.version = 1
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=self.version)
                .update(
                    version=self.version + 1,
                    changed_at=self.changed_at,
                    changed_by=self.changed_by_id,
                )
            )
            if not claimed:
                raise VersionConflict(self, self.stored_version(using))
            self.version += 1
            super().save(*args, **kwargs)

    def stored_version(self, using=None, *, lock=False) -> "StoredVersion | None":
        """The version as stored now, and who saved it when; None if the row is gone.

        With ``lock``, the row stays locked until the transaction ends, so that nobody
        can save it between this look and the save that follows.
        """
        rows = type(self)._base_manager.using(
            using or router.db_for_write(type(self), instance=self)
        )
        if lock:
            rows = rows.select_for_update(of=("self",))
        row = rows.filter(pk=self.pk).select_related("changed_by").first()
        return None if row is None else StoredVersion(row.version, row.changed_at, row.changed_by)


@dataclass(frozen=True)
class StoredVersion:
    number: int
    at: datetime | None
    by: object

    @property
    def author_name(self) -> str:
        if self.by is None:
            return "Someone"
        return self.by.get_full_name() or self.by.get_username()
