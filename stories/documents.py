"""The kinds of file a source's document may be, told by what the file holds, never its name.

A document reaches staff browsers and, when an editor allows, readers'. A file that is
really a web page, a picture drawn in SVG, XML or a program could run a script in the
site's name, however it is called, so only the types below are taken. Most are
recognised by their first bytes (the ``filetype`` library, pure Python, which needs no
system library as libmagic-based packages do). Office files are ZIP archives, and so is
anything else zipped, so for those the archive's own statement of what it holds is read:
``[Content_Types].xml`` for Word, Excel and PowerPoint, the ``mimetype`` member for
OpenDocument. Plain text must be UTF-8 without null bytes and must not open as markup
or as a script.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str


def _types(*pairs):
    return {extension: DocumentType(extension, content_type) for extension, content_type in pairs}


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

# Known by their first bytes.
BY_SIGNATURE = _types(
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    ("xls", "application/vnd.ms-excel"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("wav", "audio/wav"),
    ("ogg", "audio/ogg"),
    ("flac", "audio/flac"),
)
# Known by the content type an office ZIP archive declares for its main part.
OFFICE_OPEN_XML = {
    f"{_OOXML}.wordprocessingml.document.main+xml": DocumentType(
        "docx", f"{_OOXML}.wordprocessingml.document"
    ),
    f"{_OOXML}.spreadsheetml.sheet.main+xml": DocumentType(
        "xlsx", f"{_OOXML}.spreadsheetml.sheet"
    ),
    f"{_OOXML}.presentationml.presentation.main+xml": DocumentType(
        "pptx", f"{_OOXML}.presentationml.presentation"
    ),
}
OPEN_DOCUMENT = {
    f"{_ODF}.text": DocumentType("odt", f"{_ODF}.text"),
    f"{_ODF}.spreadsheet": DocumentType("ods", f"{_ODF}.spreadsheet"),
    f"{_ODF}.presentation": DocumentType("odp", f"{_ODF}.presentation"),
}
PLAIN_TEXT = DocumentType("txt", "text/plain; charset=utf-8")
ACCEPTED = {
    type_.extension: type_
    for type_ in [
        *BY_SIGNATURE.values(),
        *OFFICE_OPEN_XML.values(),
        *OPEN_DOCUMENT.values(),
        PLAIN_TEXT,
    ]
}
#: What an editor is told the upload field takes.
ACCEPTED_DESCRIPTION = (
    "PDF; Word, Excel or PowerPoint (DOCX, XLSX, PPTX, or the older DOC, XLS, PPT); "
    "OpenDocument (ODT, ODS, ODP); JPEG, PNG, GIF or WebP pictures; plain text in UTF-8; "
    "MP3, M4A, WAV, OGG or FLAC audio"
)

_HEAD = 8192
# More than any real [Content_Types].xml or mimetype member; a zip bomb stops here.
_MEMBER_LIMIT = 1_000_000
_CHUNK = 1 << 16
# Text that a browser or a shell would take for markup or a program.
_MARKUP = re.compile(
    r"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|object|embed|meta|math|xml)\b"
    r"|<!\[CDATA\[",
    re.IGNORECASE,
)


def detect(file) -> DocumentType | None:
    """The accepted type ``file`` (an open binary file) holds, or None if it is none of them."""
    file.seek(0)
    head = file.read(_HEAD)
    kind = filetype.guess(head) if head else None
    try:
        if kind is None:
            return _plain_text(file)
        if head.startswith(b"PK\x03\x04"):
            return _office_archive(file)
        return BY_SIGNATURE.get(kind.extension)
    finally:
        file.seek(0)


def content_type(name: str) -> str:
    """The content type to send a stored document as, from the extension it was stored with."""
    type_ = ACCEPTED.get(name.rpartition(".")[2].lower()) if "." in name else None
    return type_.content_type if type_ else "application/octet-stream"


def _office_archive(file):
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_member(archive, "mimetype").strip().decode("ascii", "replace")
                return OPEN_DOCUMENT.get(declared)
            if "[Content_Types].xml" in names:
                declared = _read_member(archive, "[Content_Types].xml")
                for main_part, type_ in OFFICE_OPEN_XML.items():
                    if f'ContentType="{main_part}"'.encode() in declared:
                        return type_
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    return None


def _read_member(archive, name):
    with archive.open(name) as member:
        return member.read(_MEMBER_LIMIT)


def _plain_text(file):
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    start, tail = None, ""
    while chunk := file.read(_CHUNK):
        if b"\x00" in chunk:
            return None
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError:
            return None
        # The tail of the chunk before, so that markup split across two chunks is seen.
        if _MARKUP.search(tail + text):
            return None
        tail = (tail + text)[-64:]
        if start is None and text.strip():
            start = text.lstrip()[:2]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if start is None or start.startswith(("<", "#!")):
        return None
    return PLAIN_TEXT
