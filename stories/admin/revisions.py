"""Readable history of a story: labels, values and word-level differences between revisions."""

from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from stories import diffing
from stories.models import Byline, Citation, Image, Person, Section, Source, Story
from stories.models.revisions import SNAPSHOT_KEYS, cited_source_id, parse_snapshot_time

LABELS = {
    "tags": "tags",
    "bylines": "bylines",
    "citations": "sources cited",
    "people": "people in this story",
    "related_stories": "related stories",
}
_fields = {field.name: field for field in Story._meta.concrete_fields}
# Compared word by word.
TEXT_KEYS = {
    name
    for name, field in _fields.items()
    if isinstance(field, (models.CharField, models.TextField)) and not field.choices
}
TIME_KEYS = {name for name, field in _fields.items() if isinstance(field, models.DateTimeField)}
_MARKS = {"delete": "del", "insert": "ins"}


def label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    return str(Story._meta.get_field(key).verbose_name)


def describe_changes(keys, label=label) -> str:
    names = [label(key) for key in keys]
    if not names:
        return "nothing visible"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def format_time(value) -> str:
    moment = parse_snapshot_time(value)
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return local.strftime("%b %-d, %Y, %H:%M %Z")


class Names:
    """Looks up, in one query per model, the names behind the ids in a set of snapshots."""

    def __init__(self, *snapshots):
        ids = {"section": set(), "image": set(), "person": set(), "source": set(), "story": set()}
        for data in snapshots:
            ids["section"].add(data.get("section"))
            ids["image"].add(data.get("hero_image"))
            ids["person"].update(data.get("people", []))
            ids["person"].update(b["person"] for b in data.get("bylines", []))
            ids["source"].update(cited_source_id(c) for c in data.get("citations", []))
            ids["story"].update(data.get("related_stories", []))
        self.section = dict(
            Section.objects.filter(pk__in=ids["section"]).values_list("pk", "name")
        )
        self.image = {i.pk: str(i) for i in Image.objects.filter(pk__in=ids["image"])}
        self.person = dict(Person.objects.filter(pk__in=ids["person"]).values_list("pk", "name"))
        self.source = {s.pk: str(s) for s in Source.objects.filter(pk__in=ids["source"])}
        self.story = dict(Story.objects.filter(pk__in=ids["story"]).values_list("pk", "headline"))

    def display(self, key, value) -> str:
        deleted = "(deleted)"
        if key in TIME_KEYS:
            return format_time(value)
        if key in _fields and _fields[key].choices:
            return dict(_fields[key].choices).get(value, value) if value else "—"
        if key == "section":
            return self.section.get(value, deleted)
        if key == "hero_image":
            return self.image.get(value, deleted) if value else "—"
        if key == "tags":
            return ", ".join(value) or "—"
        if key == "people":
            return "\n".join(self.person.get(pk, deleted) for pk in value) or "—"
        if key == "related_stories":
            return "\n".join(self.story.get(pk, deleted) for pk in value) or "—"
        if key == "bylines":
            return (
                "\n".join(
                    f"{b['position']}. {Byline.Role(b['role']).label} "
                    f"{self.person.get(b['person'], deleted)}"
                    for b in value
                )
                or "—"
            )
        if key == "citations":
            return "\n".join(self._citation(c) for c in value) or "—"
        return value or ""

    def _citation(self, c) -> str:
        return citation_text(c, self.source)


def citation_text(c, sources) -> str:
    """A citation of a snapshot as the newsroom reads it; ``sources``: id → name."""
    text = (
        f"{Citation.CitedAs(c['cited_as']).label}: {sources.get(cited_source_id(c), '(deleted)')}"
    )
    if c["is_anonymous"]:
        text += f" — anonymous, shown as “{c['public_description']}”"
    if c["supports"]:
        text += f" — supports: {c['supports']}"
    return text


def word_diff(before: str, after: str, budget: diffing.Budget | None = None):
    """Both texts as HTML with removed words in <del> and added words in <ins>.

    The work is bounded (``stories.diffing``): a huge rewritten passage is shown removed
    and added whole rather than word by word.
    """
    left, right = diffing.diff(before, after, budget)
    return _html(left), _html(right)


def _html(pieces) -> str:
    marked = (
        f"<{_MARKS[p.op]}>{escape(p.text)}</{_MARKS[p.op]}>" if p.op in _MARKS else escape(p.text)
        for p in pieces
    )
    return mark_safe("".join(marked))  # escaped above


def diff_rows(
    before: dict, after: dict, *, keys=SNAPSHOT_KEYS, names=None, label=label, text_keys=TEXT_KEYS
) -> list[dict]:
    """One row per field that differs: its label and both versions, readable.

    A story's snapshots by default; another kind of snapshot (a live update's) passes its
    ``keys``, ``names`` (with ``display(key, value)``), ``label`` and ``text_keys``.
    """
    names = names or Names(before, after)
    budget = diffing.Budget()  # shared by every field of the comparison
    rows = []
    for key in keys:
        if before.get(key) == after.get(key):
            continue
        old, new = names.display(key, before.get(key)), names.display(key, after.get(key))
        if key in text_keys:
            old, new = word_diff(old, new, budget)
        rows.append({"key": key, "label": label(key), "before": old, "after": new})
    return rows
