"""A public page that sets a cookie, as a consent banner or a form's CSRF token would."""

from django.http import HttpResponse
from django.urls import path


def sets_a_cookie(request):
    response = HttpResponse("<p>Hello</p>")
    response.set_cookie("seen", "1")
    return response


urlpatterns = [path("sets-a-cookie/", sets_a_cookie)]
