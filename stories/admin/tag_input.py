from django import forms
from django.urls import reverse
from taggit.forms import TagField

from stories.models.tags import MAX_TAGS_PER_STORY, check_story_tag_names


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
            "Separate tags with commas. Start typing to choose an existing tag; "
            f"a name that matches none creates a new tag. At most {MAX_TAGS_PER_STORY} tags."
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
