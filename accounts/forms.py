from django import forms

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=CODE_WIDGET,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
    )


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from the app",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="After adding the key, type the code the app shows for it.",
    )
