"""The reader's forms. Each page is made for one reader (its CSRF token, its form token), so
it is sent ``private, no-store``: neither this site's page cache nor one in front keeps it.
A POST passes every cache (Varnish forwards it with its cookies)."""

from functools import wraps

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from caching.middleware import PRIVATE
from stories.models import Story

from . import limits, notify
from .forms import ErrorReportForm, TipForm

TOO_MANY = "You have sent us several messages in the last hour. Please try again later."


def private(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        return response

    return wrapped


def _posted(request):
    return request.POST if request.method == "POST" else None


def _handle(request, form, kind, thanks, template, context, token):
    """Store a valid form and redirect to ``thanks``; otherwise show it again."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if limits.spend(request, kind):
                notify.tell_the_desk(form.save())
                return redirect(thanks)
            form.add_error(None, TOO_MANY)
            status = 429
        elif "website" in form.errors:
            # Only a machine fills the honeypot: it is told nothing, and nothing is kept.
            return redirect(thanks)
    context |= {"form": form, "token": token, "keep_days": settings.FEEDBACK_KEEP_DAYS}
    return render(request, template, context, status=status)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, pk):
    story = get_object_or_404(Story.objects.public().select_related("section"), pk=pk)
    form = ErrorReportForm(_posted(request), story=story)
    token = limits.form_token(story=story.pk, version=story.updated_at.isoformat())
    context = {"story": story}
    return _handle(
        request, form, "report", "feedback:report-thanks", "feedback/report.html", context, token
    )


@private
@require_http_methods(["GET", "HEAD", "POST"])
def send_tip(request):
    form = TipForm(_posted(request))
    return _handle(
        request, form, "tip", "feedback:tip-thanks", "feedback/tip.html", {}, limits.form_token()
    )


@require_safe
def thanks(request, kind):
    return render(request, "feedback/thanks.html", {"kind": kind})
