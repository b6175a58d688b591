from django import forms

from . import limits
from .models import ErrorReport, Tip

TRAP_MESSAGE = "Leave this field empty."
EXPIRED = (
    "This form could not be accepted: it was sent too quickly, or too long after it was "
    "opened. Please check your message and send it again."
)


class FeedbackForm(forms.ModelForm):
    """A reader's form: the honeypot, and the signed token of when (and what) it served."""

    # Hidden from people by CSS (``feedback-trap``); machines filling every field fill it.
    website = forms.CharField(
        label="Leave this field empty", required=False, help_text=TRAP_MESSAGE
    )
    token = forms.CharField(widget=forms.HiddenInput, error_messages={"required": EXPIRED})

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(TRAP_MESSAGE)
        return ""

    def clean_token(self):
        try:
            self.signed = limits.read_token(self.cleaned_data["token"])
        except limits.BadToken:
            raise forms.ValidationError(EXPIRED) from None
        return self.cleaned_data["token"]


class ErrorReportForm(FeedbackForm):
    text = forms.CharField(
        label="What is wrong?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Quote the words you think are wrong and tell us what is right, and how you "
        "know. At most 5,000 characters.",
    )

    class Meta:
        model = ErrorReport
        fields = ["text", "name", "email"]
        labels = {"name": "Your name (optional)", "email": "Your e-mail (optional)"}
        help_texts = {"email": "Only if you would like us to reply."}

    def __init__(self, *args, story, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.story = story
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_token(self):
        token = super().clean_token()
        if self.signed.get("story") != self.instance.story.pk:
            raise forms.ValidationError(EXPIRED)
        try:
            self.instance.story_version = forms.DateTimeField().to_python(self.signed["version"])
        except (KeyError, forms.ValidationError):
            raise forms.ValidationError(EXPIRED) from None
        return token


class TipForm(FeedbackForm):
    message = forms.CharField(
        label="Your tip",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What you know, and how you know it. At most 10,000 characters.",
    )
    contact = forms.CharField(
        label="How can we reach you? (optional)",
        max_length=300,
        required=False,
        help_text="An e-mail address, a phone number or a Signal username — or nothing, to stay "
        "anonymous.",
    )

    class Meta:
        model = Tip
        fields = ["message", "contact"]
