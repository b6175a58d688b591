"""What every admin of the newsroom shares: editor-only fields, locks, input checks, own pages."""

import re
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import OperationalError, models, router
from django.db.models.constants import LOOKUP_SEP
from django.db.models.fields import BLANK_CHOICE_DASH
from django.template.response import TemplateResponse
from django.urls import path

from newsroom.database import is_lock_timeout
from stories import access
from stories.encryption import EncryptedTextField
from stories.models import Image
from stories.storage import storage_failure

from .versions import record_editor

# Typed dates outside these years are mistakes; the databases cannot all store the far ones.
FIRST_YEAR, LAST_YEAR = 1900, 2200
# The largest id any of our databases can store (a 64-bit signed integer).
MAX_ID = 2**63 - 1
_digits = re.compile(r"[0-9]+")
_integer = re.compile(r"[-+]?[0-9]+")
_comparisons = {"exact", "gt", "gte", "lt", "lte", "range", "in"}
_text_lookups = _comparisons | {"iexact", "contains", "icontains", "startswith", "istartswith"}


def parse_id(value) -> int | None:
    """``value`` as an object id if it is one any database can hold, else None."""
    value = str(value)
    if not _digits.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def within_sensible_years(value):
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            f"Enter a date between the years {FIRST_YEAR} and {LAST_YEAR}.",
            code="out_of_range",
        )


def hidden_field(model, lookup):
    """The key in ``access.HIDDEN_FIELDS`` that a lookup path such as
    ``citations__source__private_notes`` reaches from ``model``, or None."""
    for part in lookup.lstrip("^=@").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if (model, field.name) in access.HIDDEN_FIELDS:
            return (model, field.name)
        if not field.related_model:
            return None
        model = field.related_model
    return None


def _field_and_rest(model, lookup):
    parts = lookup.split(LOOKUP_SEP)
    field = None
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return field, parts[index:]
        if not field.related_model:
            return field, parts[index + 1 :]
        model = field.related_model
    return field, []


def reaches_encrypted_field(model, lookup) -> bool:
    """Whether ``lookup`` filters on text the database holds only encrypted."""
    field, _ = _field_and_rest(model, lookup.lstrip("^=@"))
    return isinstance(field, EncryptedTextField)


def check_filter(model, lookup, value):
    """Refuse a changelist filter that the database cannot take, before it is sent there."""
    if "\x00" in value:
        raise IncorrectLookupParameters(f"The filter {lookup} contains a null character.")
    pieces = value.split(",")
    field, rest = _field_and_rest(model, lookup)
    text = isinstance(field, (models.CharField, models.TextField)) and set(rest) <= _text_lookups
    if not text and any(_integer.fullmatch(p.strip()) and abs(int(p)) > MAX_ID for p in pieces):
        raise IncorrectLookupParameters(f"The filter {lookup} holds a number too large.")
    if isinstance(field, models.DateField) and set(rest) <= _comparisons:
        for piece in pieces:
            try:
                within_sensible_years(field.to_python(piece))
            except ValidationError:
                raise IncorrectLookupParameters(
                    f"The filter {lookup} is not a usable date."
                ) from None


class CheckedChangeList(ChangeList):
    """A changelist that answers bad filters with its "invalid filter" page, never an error."""

    def get_filters(self, request):
        for lookup, values in self.get_filters_params().items():
            for value in values:
                check_filter(self.model, lookup, value)
        try:
            return super().get_filters(request)
        except OverflowError as error:
            # A date hierarchy at the edge of the calendar, e.g. December 9999.
            raise IncorrectLookupParameters(error) from error


class HoldableIdsOnly:
    """An autocomplete widget that shows a refused form again without asking the database
    for an id none of our databases could hold (``abc``, ``-1``, 2**64), which it refuses
    with an error instead of finding nothing."""

    def optgroups(self, name, value, attr=None):
        if isinstance(self.field.remote_field.model._meta.pk, models.IntegerField):
            value = [v for v in value if parse_id(v) is not None]
        return super().optgroups(name, value, attr)


class CheckedAutocompleteSelect(HoldableIdsOnly, AutocompleteSelect):
    """Starts with an empty choice that says so, required or not, as a plain select does: a
    required select needs one to start empty, and an empty option needs a text (select2 hides
    it as its placeholder)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = BLANK_CHOICE_DASH[0][1]
        else:
            chosen = any(option["selected"] for _, group, _ in groups for option in group)
            options.insert(0, self.create_option(name, "", BLANK_CHOICE_DASH[0][1], not chosen, 0))
        return groups


class CheckedAutocompleteSelectMultiple(HoldableIdsOnly, AutocompleteSelectMultiple):
    pass


class CheckedRawIdWidget(ForeignKeyRawIdWidget):
    def label_and_url_for_value(self, value):
        if parse_id(value) is None:
            return "", ""
        return super().label_and_url_for_value(value)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no database could hold before asking for the rest: SQLite overflows on
    them, PostgreSQL answers an error."""

    def _check_values(self, value):
        if isinstance(self.queryset.model._meta.pk, models.IntegerField):
            for pk in value if isinstance(value, list | tuple) else []:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class CheckedIdsMixin:
    """Relation widgets of an admin or inline that answer impossible ids with a form error."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs:
            using = kwargs.get("using")
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using)
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = CheckedRawIdWidget(
                    db_field.remote_field, self.admin_site, using
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BoundedDatesMixin:
    """Every date typed in an admin form must fall between FIRST_YEAR and LAST_YEAR."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and formfield is not None:
            formfield.validators.append(within_sensible_years)
        return formfield


BUSY_MESSAGE = (
    "Nothing was saved: someone else was saving at the same moment and the database stayed "
    "busy. Everything you typed is kept below; save again in a moment."
)
STORAGE_MESSAGE = (
    "The {thing} could not be stored: {reason}. Nothing was saved; your text is kept below. "
    "Choose the file again and save once the disk has room or can be written to (ask the "
    "technical team)."
)


class RefusedSave(forms.BaseForm):
    """A form shown again after its save failed for a reason outside it, with that reason."""

    refusal = ""

    def clean(self):
        raise ValidationError(self.refusal, code="not_saved")


class NewsroomAdmin(CheckedIdsMixin, BoundedDatesMixin, admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A save that fails for a reason outside the form (the database stayed locked past
        # DATABASE_LOCK_TIMEOUT, the media disk refused a file) is rolled back and its form
        # comes back with everything typed and the reason, never an error page. The form is
        # shown again outside a transaction (reading needs no lock) by the method Django's
        # own changeform_view wraps in one.
        using = router.db_for_write(self.model)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            if request.method != "POST" or not is_lock_timeout(error, using):
                raise
            request.save_refused = BUSY_MESSAGE
        except OSError as error:
            reason = storage_failure(error)
            if request.method != "POST" or reason is None:
                raise
            thing = "picture" if self.model is Image else "file"
            request.save_refused = STORAGE_MESSAGE.format(thing=thing, reason=reason)
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if refusal := getattr(request, "save_refused", None):
            form = type(form.__name__, (RefusedSave, form), {"refusal": refusal})
        return form

    def save_model(self, request, obj, form, change):
        record_editor(obj, request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline in formset.forms:
            record_editor(inline.instance, request)
        super().save_formset(request, form, formset, change)

    def may_see(self, request, lookup):
        hidden = hidden_field(self.model, lookup)
        return hidden is None or access.may_see_field(request.user, *hidden)

    def get_fieldsets(self, request, obj=None):
        # A field the user may not see is left out of the form, so that a forged POST can
        # neither read nor overwrite it; a fieldset left empty goes too.
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [self._seen(request, row) for row in options["fields"]]
            if fields := [row for row in fields if row]:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def _seen(self, request, row):
        """A fieldset row (a field name or a tuple of them) without what the user may not see."""
        if isinstance(row, str):
            return row if self.may_see(request, row) else None
        return tuple(name for name in row if self.may_see(request, name))

    def render_page(self, request, template, title, **context):
        """One of this admin's own pages: ``admin/<app>/<model>/<template>``, looking native."""
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                **context,
            },
        )

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if self._may_see_column(request, f)]

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if self._may_see_column(request, f)]

    def _may_see_column(self, request, entry):
        return not isinstance(entry, str) or self.may_see(request, entry)

    def lookup_allowed(self, lookup, value, request):
        # Filtering on a hidden field would let its text be guessed a letter at a time, and
        # the database cannot filter on encrypted text for anyone.
        return (
            self.may_see(request, lookup)
            and not reaches_encrypted_field(self.model, lookup)
            and super().lookup_allowed(lookup, value, request)
        )

    def get_search_fields(self, request):
        return [f for f in super().get_search_fields(request) if self.may_see(request, f)]

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete widgets pass their term unchecked; PostgreSQL refuses null characters.
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class RecordAdminMixin:
    """An audit record (who merged which tags, who saw which contact details): read in the
    admin, never added, changed or deleted there, whoever asks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockedOncePublishedMixin:
    """Something a published story shows changes only with an editor, like the story itself
    (``access.story_keeping_from``)."""

    def published_story_showing(self, request, obj):
        if obj is None or obj.pk is None:
            return None
        # Asked several times a request (change, delete, the message): once is enough.
        cache = request.__dict__.setdefault("_published_story_showing", {})
        key = (type(obj), obj.pk)
        if key not in cache:
            cache[key] = access.story_keeping_from(request.user, obj)
        return cache[key]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.published_story_showing(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.published_story_showing(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            story = self.published_story_showing(request, obj)
            if story is not None and self.has_view_permission(request, obj):
                messages.info(
                    request,
                    f"“{obj}” is shown in the published story “{story}”, so only an editor "
                    "can change it. Ask an editor, or add a new one to use instead.",
                )
        return super().change_view(request, object_id, form_url, extra_context)


def admin_pages(model_admin, *pages):
    """URL patterns for a model admin's own pages, each ``(route, view, name)``: the view is
    called as ``view(model_admin, request, ...)`` behind the admin site's login and named
    ``<app>_<model>_<name>`` like the admin's own."""
    opts = model_admin.model._meta
    return [
        path(
            route,
            model_admin.admin_site.admin_view(partial(view, model_admin)),
            name=f"{opts.app_label}_{opts.model_name}_{name}",
        )
        for route, view, name in pages
    ]
