"""Uploaded files readers get: the picture library.

The picture library (masters under ``images/``, renditions under ``renditions/``) is the
only media readers get, each file under a name that changes whenever its content does,
so it is cached for a year.
"""

import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from . import immutable

#: Where the picture library keeps its files in the default storage.
LIBRARY_FOLDERS = ("images/", "renditions/")
PICTURE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@require_safe
def media(request, path):
    """A picture from the library: nothing else under ``MEDIA_URL`` is ever served."""
    content_type = PICTURE_TYPES.get(posixpath.splitext(path)[1])
    if content_type is None or not path.startswith(LIBRARY_FOLDERS) or _escapes(path):
        raise Http404
    try:
        file = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404 from None
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = immutable.CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _escapes(path):
    return posixpath.normpath(path) != path or path.startswith("/") or "\\" in path


def favicon(request):
    response = redirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
