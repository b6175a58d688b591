"""What readers sent that nobody has handled yet, for the desk of whoever may read it."""

from dataclasses import dataclass

from django.urls import reverse

from .models import ErrorReport, Tip


@dataclass
class Waiting:
    label: str
    count: int
    url: str


def waiting_for(user) -> list[Waiting]:
    """One count a kind the user may see (one query each), with the admin list of them."""
    found = []
    for model in (ErrorReport, Tip):
        opts = model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            count = model.objects.unhandled().count()
            label = opts.verbose_name if count == 1 else opts.verbose_name_plural
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            found.append(Waiting(label, count, f"{url}?handled_at__isempty=1"))
    return found
