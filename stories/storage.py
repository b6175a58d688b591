"""Where uploaded files are written, and what to say when the disk refuses them.

A write can fail for reasons no form can check beforehand: the disk is full, mounted
read-only, not writable by the server, or the file is larger than the server may write.
Such a save keeps nothing: the partial file is removed here, files written before it by
the same save by their writers (``stories.images``), and the database row is rolled back;
the editor's form comes back with everything typed (``stories.admin.base``).
"""

import contextlib
import errno
import os
import re

from django.core.files.storage import FileSystemStorage

STORAGE_ERRNOS = {
    errno.ENOSPC: "the media disk is full",
    errno.EDQUOT: "the media disk quota is used up",
    errno.EROFS: "the media disk is read-only",
    errno.EACCES: "the server may not write to the media folder",
    errno.EPERM: "the server may not write to the media folder",
    errno.EFBIG: "the file is larger than the server may write",
}


# A stored name that an address shows as it is: no character to quote, no "." or ".." part.
_PLAIN_NAME = re.compile(r"(?!.*(?:^|/)\.\.?(?:/|$))[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*")


def storage_failure(error) -> str | None:
    """Why the disk refused a write, in words for an editor, or None for another error."""
    if isinstance(error, OSError):
        return STORAGE_ERRNOS.get(error.errno)
    return None


class CleanFileSystemStorage(FileSystemStorage):
    """Django's file system storage, leaving no partial file behind when a write fails."""

    def url(self, name):
        # A page shows dozens of renditions; a plain name after the base URL is what
        # Django's quoting and joining would give.
        base = self.base_url
        if base and base.endswith("/") and name and _PLAIN_NAME.fullmatch(name):
            return base + name
        return super().url(name)

    def _save(self, name, content):
        # The name is free now, so a file found there after a failed write is this one's.
        # (Were it taken meanwhile, Django would write under another name, which the
        # exception does not tell; that file is then left, as Django leaves it.)
        was_free = not os.path.lexists(self.path(name))
        try:
            return super()._save(name, content)
        except OSError as error:
            if was_free and storage_failure(error):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path(name))
            raise
