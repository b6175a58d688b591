"""Uploaded files: the picture library for everyone, a source's document for those allowed.

The picture library (masters under ``images/``, renditions under ``renditions/``) is the
only media readers get, each file under a name that changes whenever its content does,
so it is cached for a year. Source documents live in the "private" storage, outside the
media root, and reach a reader only through ``source_document``.
"""

import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from . import documents, immutable
from .models import Source

#: Where the picture library keeps its files in the default storage.
LIBRARY_FOLDERS = ("images/", "renditions/")
#: Whatever a file holds, it runs no script and loads nothing from this origin: opened on its
#: own, a picture is shown as a picture and a document is downloaded, in a sandbox.
PICTURE_POLICY = "default-src 'none'; img-src 'self'; sandbox"
DOCUMENT_POLICY = "default-src 'none'; sandbox"
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
    response["Content-Security-Policy"] = PICTURE_POLICY
    return response


@require_safe
def source_document(request, name):
    """A source's document, always as a download.

    Staff who may see sources get any document; everyone else only one that
    ``Source.objects.with_public_document()`` allows, and a 404 otherwise.
    """
    user = request.user
    if user.is_staff and user.has_perm("stories.view_source"):
        sources = Source.objects.all()
    else:
        sources = Source.objects.with_public_document()
    source = get_object_or_404(sources.only("document"), document=name)
    response = _send(source.document)
    response["Content-Disposition"] = content_disposition_header(True, posixpath.basename(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def _send(document):
    """The document's bytes, or the front web server's instruction to send them itself."""
    # Only a type the upload check accepts is named: anything older goes as plain bytes.
    content_type = documents.content_type(document.name)
    if settings.PRIVATE_MEDIA_SENDFILE == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_PREFIX + quote(document.name)
        return response
    if settings.PRIVATE_MEDIA_SENDFILE == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = document.path
        return response
    try:
        return FileResponse(document.storage.open(document.name, "rb"), content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None


def _escapes(path):
    return posixpath.normpath(path) != path or path.startswith("/") or "\\" in path


def favicon(request):
    response = redirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
