from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from stories import documents, images
from stories.models import Image

VERSION_FIELD = "base_version"


class VersionedForm(forms.ModelForm):
    """A form for a ``Versioned`` model that refuses to overwrite a save made since it was opened.

    The version shown travels in a hidden field. If the stored version differs when the
    form is posted, nothing is saved: the form comes back with everything typed and an error
    naming who saved in between and when. The hidden field then holds their version, so
    saving the same form again is the deliberate choice to replace it.
    """

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial[VERSION_FIELD] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get(VERSION_FIELD)
        if self.instance.pk is None or base is None:
            return cleaned
        # In a transaction (as the admin saves), the row stays locked until the save that
        # follows commits: nobody saves in between.
        in_transaction = transaction.get_connection().in_atomic_block
        stored = self.instance.stored_version(lock=in_transaction)
        if stored is None:
            return cleaned
        if stored.number != base:
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = stored.number
            raise ValidationError(conflict_message(self.instance, stored), code="conflict")
        self.instance.version = stored.number
        return cleaned


def conflict_message(obj, stored):
    opts = obj._meta
    when = timezone.localtime(stored.at) if stored.at else None
    reload = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html(
        "Your changes were not saved: {} changed this {} {}after you opened it. "
        "Everything you typed is kept below. To replace their version with yours, save "
        'again; to see theirs instead, <a href="{}">reload the page</a> (what you typed '
        "here is then lost).",
        stored.author_name,
        opts.verbose_name,
        f"at {when:%H:%M:%S on %b %-d, %Y %Z} " if when else "",
        reload,
    )


class PictureField(forms.ImageField):
    """An upload field that lets through only a checked, metadata-free picture.

    Unlike Django's ``ImageField`` it refuses a decompression bomb from its header,
    before anything is decoded, and names what is wrong with a refused file.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return images.prepare_upload(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = images.ACCEPTED_CONTENT_TYPES
        return attrs


class DocumentField(forms.FileField):
    """An upload field for a source's document: only the types in ``stories.documents``,
    told by content. The file is stored under the extension of the type it holds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.help_text = self.help_text or f"Accepted: {documents.ACCEPTED_DESCRIPTION}."

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        kind = documents.detect(upload)
        if kind is None:
            raise forms.ValidationError(
                "This file is not one of the document types the newsroom accepts, whatever "
                f"its name says. Accepted: {documents.ACCEPTED_DESCRIPTION}. Web pages, SVG "
                "or XML files and programs are refused; save the page as a PDF instead.",
                code="document_type",
            )
        upload.name = f"document.{kind.extension}"
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(f".{extension}" for extension in documents.ACCEPTED)
        return attrs


class ImageForm(VersionedForm):
    file = PictureField(label="Picture")

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "usage_note", "focal_x", "focal_y"]
        focal_attrs = {"step": "0.01", "min": "0", "max": "1"}
        widgets = {
            "focal_x": forms.NumberInput(attrs=focal_attrs),
            "focal_y": forms.NumberInput(attrs=focal_attrs),
        }
        labels = {"focal_x": "Focal point across", "focal_y": "Focal point down"}
        help_texts = {
            "focal_x": "0 is the left edge, 1 the right edge.",
            "focal_y": "0 is the top edge, 1 the bottom edge.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"JPEG, PNG, WebP or GIF (first frame), up to "
            f"{settings.IMAGE_MAX_UPLOAD_BYTES // 1_000_000} MB and "
            f"{settings.IMAGE_MAX_PIXELS // 1_000_000} megapixels. The picture is turned "
            "upright and stored without its metadata: no camera, location or editing "
            "details are kept."
        )
