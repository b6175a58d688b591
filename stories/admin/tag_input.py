from django import forms
from django.urls import reverse
from taggit.forms import TagField

from stories.models.tags import MAX_TAGS_PER_STORY, check_story_tag_names, unknown_tag_names


def parse_tag_list(text: str) -> list[str]:
    """Split typed tags on commas only, so "data sharing" stays one tag."""
    names, seen = [], set()
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


class TagInput(forms.TextInput):
    """A comma-separated tag list with an accessible autocomplete of existing tags."""

    template_name = "stories/admin/tag_input.html"

    class Media:
        css = {"all": ["stories/admin/tag-input.css"]}
        js = ["stories/admin/tag-input.js"]

    def __init__(self, attrs=None):
        super().__init__({"class": "vTextField", **(attrs or {})})

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            value = ", ".join(sorted((tag.name for tag in value), key=str.lower))
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggest_url"] = reverse("admin:stories_tag_suggest")
        return context


class TagInputField(TagField):
    widget = TagInput

    def __init__(self, **kwargs):
        kwargs["help_text"] = (
            "Separate tags with commas. Start typing to choose an existing tag. A name that "
            "matches none becomes a new tag only when you choose “Create tag” for it, or tick "
            f"it when saving. At most {MAX_TAGS_PER_STORY} tags."
        )
        super().__init__(**kwargs)

    def clean(self, value):
        names = parse_tag_list(forms.CharField.clean(self, value))
        check_story_tag_names(names)
        return names

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        typed = {name.lower() for name in parse_tag_list(data or "")}
        return typed != {tag.name.lower() for tag in initial or []}


class NewTagsField(forms.MultipleChoiceField):
    """The typed names an editor chose to create as new tags (see ``confirm_new_tags``).

    Hidden, and filled by the tag input's "Create tag" option, until a save finds names that
    match no tag; then it offers each of them as a checkbox."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="Create new tags",
            widget=forms.MultipleHiddenInput,
            help_text="Tick each name to create it as a new tag; untick it, and correct the "
            "tags above, to use an existing tag instead.",
            **kwargs,
        )

    def offer(self, names):
        self.widget = forms.CheckboxSelectMultiple()
        self.choices = [(name, name) for name in names]


def confirm_new_tags(form, tags_field="tags", new_field="create_tags"):
    """Refuse tag names that match no tag unless the editor chose to create them.

    A half-typed name ("IR") is then kept in the field with a hint, instead of silently
    becoming a new tag."""
    names = form.cleaned_data.get(tags_field)
    if not names:
        return
    chosen = {name.lower() for name in form.cleaned_data.get(new_field) or []}
    unknown = [name for name in unknown_tag_names(names) if name.lower() not in chosen]
    if unknown:
        form.fields[new_field].offer(unknown)
        listed = ", ".join(f"“{name}”" for name in unknown)
        form.add_error(
            tags_field,
            f"No tag is called {listed}. Choose an existing tag, or tick the name under "
            "“Create new tags” to create it.",
        )
