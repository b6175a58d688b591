import datetime

from django import forms

from stories.models import Section, Story

from .text import MAX_QUERY_LENGTH


class DateInput(forms.DateInput):
    """A date picker that shows only a real date: a bad one is reported, not echoed back."""

    input_type = "date"

    def format_value(self, value):
        value = super().format_value(value)
        try:
            datetime.date.fromisoformat(value or "")
        except ValueError:
            return None
        return value


class SearchForm(forms.Form):
    """The reader's search: words, optional filters and an order. Every field is optional."""

    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        help_text='Use "quotes" for a phrase, or between alternatives, and -word to exclude.',
    )
    section = forms.ModelChoiceField(
        Section.objects.public(), to_field_name="slug", required=False, empty_label="All sections"
    )
    kind = forms.ChoiceField(
        label="Type of work", choices=[("", "Any type"), *Story.Kind.choices], required=False
    )
    since = forms.DateField(label="Published from", required=False, widget=DateInput)
    until = forms.DateField(label="Published until", required=False, widget=DateInput)
    order = forms.ChoiceField(
        label="Order",
        choices=[("", "Most relevant first"), ("newest", "Newest first")],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the date range must not come before its start.")
        return cleaned

    def narrow(self, stories):
        """``stories`` limited to the chosen section, type of work and dates."""
        data = self.cleaned_data
        if data["section"]:
            stories = stories.filter(section=data["section"])
        if data["kind"]:
            stories = stories.filter(kind=data["kind"])
        if data["since"]:
            stories = stories.filter(published_at__date__gte=data["since"])
        if data["until"]:
            stories = stories.filter(published_at__date__lte=data["until"])
        return stories
