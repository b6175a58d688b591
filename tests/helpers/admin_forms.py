"""What a browser posts back from an admin change page, as the page rendered it."""

from django import forms


def _field_data(form):
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            continue
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def change_form_data(response, **changes):
    """The POST data of the admin change form in ``response``, with ``changes`` typed in."""
    data = _field_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _field_data(formset.management_form)
        for form in formset.forms:
            data |= _field_data(form)
    return data | {"_save": "Save"} | {name: str(value) for name, value in changes.items()}
