"""Every admin form answers bad values with a form error, never a server error, on every database.

For each ModelAdmin the site registers, as a superuser and as an editor, the add form is
posted with one bad value at a time, each one its field's type calls for (a field of an
inline too), and the change form of an existing object with one per field: ids too large for any
database, negative or not numbers at all, text of 10,000 characters or holding a null
byte, impossible dates, a thousand values at once. Each answer must be below 500, and a
form that is refused comes back with what the editor typed elsewhere still in it.

PostgreSQL is where an overflow surfaces (SQLite stores what it is given), so this
module is run there too: ``DATABASE_URL=postgres://... pytest tests/test_admin_fuzz.py``.
"""

import datetime

from django import forms
from django.contrib import admin
from django.db import transaction
from django.forms.models import ModelChoiceField, ModelMultipleChoiceField
from django.test import TestCase
from django.urls import reverse
from taggit.forms import TagField

from stories import workflow
from tests.helpers.accounts import make_user
from tests.helpers.factories import add_byline, cite, make_person, make_public_story, make_story
from tests.helpers.pictures import make_image

HUGE = "99999999999999999999999"
PAST_64_BITS = str(2**63)
MARKER = "EditorTypedThis"
BAD_VALUES = {
    "id": [PAST_64_BITS, "-1", "1\x00"],
    "ids": [[HUGE, "1"], ["abc"], [str(n) for n in range(1, 1001)]],
    "integer": [HUGE, "70000", "-1"],
    "number": [HUGE, "nan"],
    "text": ["x" * 10_000, "nul\x00byte"],
    "tags": ["x" * 5_000, ", ".join(f"topic {n}" for n in range(1000)), "nul\x00byte"],
    "choice": ["\x00not-a-choice"],
    "date": ["2026-13-45", "9999-12-31", "0001-01-01"],
    "time": ["25:61:00"],
}


def kind_of(field):
    """Which list of BAD_VALUES a form field gets, or None for a field not fuzzed."""
    for cls, kind in [
        (ModelMultipleChoiceField, "ids"),
        (ModelChoiceField, "id"),
        (forms.MultipleChoiceField, "ids"),
        (TagField, "tags"),
        (forms.ChoiceField, "choice"),
        (forms.IntegerField, "integer"),
        (forms.FloatField, "number"),
        (forms.DecimalField, "number"),
        (forms.SplitDateTimeField, "datetime"),
        (forms.DateTimeField, "date"),
        (forms.DateField, "date"),
        (forms.TimeField, "time"),
        (forms.CharField, "text"),
    ]:
        if isinstance(field, cls):
            return kind
    return None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def posted(form, fill_required=True):
    """What ``form`` (unbound, as the admin rendered it) posts when saved unchanged.

    With ``fill_required``, an empty required field gets a plausible value, so that the
    bad value under test is, as far as possible, the only thing wrong.
    """
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field, forms.SplitDateTimeField):
            parts = field.widget.decompress(value) if value else [None, None]
            if fill_required and field.required and not value:
                parts = [datetime.date.today(), datetime.time(12)]
            data[f"{key}_0"], data[f"{key}_1"] = (_text(p) for p in parts)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, ModelMultipleChoiceField | forms.MultipleChoiceField):
            data[key] = [_text(v) for v in value or []]
        elif isinstance(field, TagField):
            data[key] = field.widget.format_value(value) or ""
        else:
            data[key] = _text(value)
        if fill_required and field.required and data.get(key) in ("", None, []):
            data[key] = plausible(field)
    return data


def plausible(field):
    if isinstance(field, ModelChoiceField):
        first = field.queryset.order_by("pk").first()
        return str(first.pk) if first else ""
    if isinstance(field, forms.ChoiceField):
        return next((str(v) for v, _ in field.choices if v not in ("", None)), "")
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return "1"
    if isinstance(field, forms.DateTimeField | forms.DateField):
        return datetime.date.today().isoformat()
    if isinstance(field, forms.SlugField):
        return "fuzzed-slug"
    if isinstance(field, forms.EmailField):
        return "someone@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org/"
    return "Plausible text"


def marker_field(form, but):
    """A text field the editor typed in, whose value a refused form must show again."""
    for name, field in form.fields.items():
        shown = not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
        if name != but and shown and type(field) is forms.CharField:
            return form.add_prefix(name)
    return None


def variants(form, data, every_value=True):
    """(description, data, marker) for bad values of each field of ``form``, one at a time.

    With ``every_value``, each bad value of the field's kind; otherwise one, a different
    one from field to field, which keeps a slow form's run short.
    """
    for index, (name, field) in enumerate(form.fields.items()):
        kind = kind_of(field)
        if kind is None or field.disabled:
            continue
        key = form.add_prefix(name)
        marker = marker_field(form, name)
        base = dict(data) | ({marker: MARKER} if marker else {})
        if kind == "datetime":
            today = datetime.date.today().isoformat()
            tries = [({f"{key}_0": date}, date) for date in BAD_VALUES["date"]]
            tries += [({f"{key}_0": today, f"{key}_1": time}, time) for time in BAD_VALUES["time"]]
        else:
            tries = [({key: value}, value) for value in BAD_VALUES[kind]]
        if not every_value:
            tries = [tries[index % len(tries)]]
        for changes, value in tries:
            shown = value if isinstance(value, str) else f"{len(value)} values"
            yield f"{key}={shown[:20]!r}", base | changes, marker


def form_variants(response, every_value=True):
    """The bad posts of the admin form in ``response``: its own fields, then each inline's."""
    form = response.context["adminform"].form
    inlines = response.context["inline_admin_formsets"]
    data = posted(form) | {"_save": "Save"}
    for inline in inlines:
        formset = inline.formset
        data |= _management(formset)
        for row in formset.initial_forms:
            data |= posted(row, fill_required=False)
    yield from variants(form, data, every_value)
    for inline in inlines:
        formset = inline.formset
        row = formset.empty_form
        row.prefix = formset.add_prefix(formset.total_form_count())
        extra = dict(data)
        extra[formset.add_prefix("TOTAL_FORMS")] = str(formset.total_form_count() + 1)
        extra |= posted(row)
        yield from variants(row, extra, every_value)


def _management(formset):
    form = formset.management_form
    return {form.add_prefix(name): _text(form[name].value()) for name in form.fields}


class AdminFuzzTests:
    """One of each thing the admin edits, so that every change form has an object."""

    role = None

    @classmethod
    def setUpTestData(cls):
        editor = make_user("editor", "fuzzing-editor")
        story = make_public_story(headline="Fuzzed story")
        story.tags.add("Fuzzed tag")
        add_byline(story, make_person(name="Fuzzed person"))
        cite(story, None, supports="A claim")
        workflow.add_correction(story, by=editor, kind="correction", text="A correction")
        make_story(headline="A draft")
        make_image(alt_text="Fuzzed picture")
        cls.user = editor if cls.role == "editor" else make_user(cls.role, "fuzzing-boss")

    def test_every_admin_form_refuses_bad_values_without_a_server_error(self):
        for model in registered():
            with self.subTest(model=model._meta.label):
                check_every_form_of(model, self.user, self.client)


def registered():
    """Every model with a ModelAdmin on the site, ours and the libraries'."""
    return list(admin.site._registry)


def post_and_roll_back(client, url, data):
    """Post, then undo whatever the post saved, so that every variant starts alike."""
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


def check_every_form_of(model, user, client):
    """Post the add form with every bad value and the change form with one per field."""
    client.force_login(user)
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [(reverse(f"{info}_add"), True)]
    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        urls.append((reverse(f"{info}_change", args=[existing.pk]), False))
    failures = []
    for url, every_value in urls:
        page = client.get(url)
        if page.status_code != 200 or "adminform" not in page.context:
            assert page.status_code < 500
            continue
        if not page.context.get("has_change_permission", True):
            continue
        for description, data, marker in form_variants(page, every_value):
            try:
                response = post_and_roll_back(client, url, data)
            except Exception as error:  # the test client re-raises a view's exception
                failures.append(f"{url} {description}: {type(error).__name__}: {error}"[:300])
                continue
            if response.status_code >= 500:
                failures.append(f"{url} {description}: {response.status_code}")
            elif response.status_code == 200 and marker and MARKER not in response.text:
                failures.append(f"{url} {description}: the editor's text was lost")
    assert not failures, "\n".join(failures)


# One class per role, so that parallel workers share the work.
class SuperuserAdminFuzzTests(AdminFuzzTests, TestCase):
    role = "superuser"


class EditorAdminFuzzTests(AdminFuzzTests, TestCase):
    role = "editor"
