"""Every public page type and custom admin page is valid HTML by the W3C Nu checker, and the
reader stylesheet valid CSS: no errors at all."""

from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.contrib.auth.models import User
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from feedback.models import Tip
from tests.helpers.admin_pages import admin_pages
from tests.helpers.browser import expected_status, make_staff

pytestmark = pytest.mark.browser

# Checked in the same run, so a checker that silently reports nothing cannot pass the test.
INVALID = '<!DOCTYPE html><html lang="en"><title>t</title><p><div>block in p</div></p></html>'


def test_every_public_page_type_has_no_nu_checker_error(demo, live_server, vnu):
    documents = {"known-invalid canary": INVALID}
    for name, path in demo.items():
        status, html = fetch(live_server.url + path)
        assert status == expected_status(name), path
        documents[f"{name} page {path}"] = html
    errors = vnu.errors(documents)
    assert any("“p” end tag" in error for error in errors.pop("known-invalid canary"))
    report = [f"{name}:\n    " + "\n    ".join(found) for name, found in errors.items() if found]
    assert not report, "\n".join(["Nu HTML checker errors:", *report])


def test_the_reader_stylesheet_has_no_nu_checker_error(live_server, vnu):
    status, css = fetch(live_server.url + static("css/site.css"))
    assert status == 200
    errors = vnu.errors({"canary": "a { colr: red }", "site.css": css}, kind="css")
    assert errors.pop("canary"), "the checker reported nothing on a known-invalid stylesheet"
    assert not errors["site.css"], "\n".join(["Nu CSS checker errors:", *errors["site.css"]])


def fetch(url):
    """The status and the HTML of a page, whatever the status."""
    try:
        response = urlopen(url)
    except HTTPError as error:
        response = error
    with response:
        return response.status, response.read().decode()


def test_a_feedback_form_sent_back_or_refused_has_no_nu_checker_error(demo, client, vnu):
    documents = {
        "tip form with errors": client.post(demo["tip form"], {"contact": "x"}),
        "report form with errors": client.post(demo["report an error form"], {"email": "x"}),
    }
    for name, response in documents.items():
        assert response.status_code == 200 and "Your message was not sent" in response.text
        documents[name] = response.content.decode()
    refused = Client(enforce_csrf_checks=True).post(demo["tip form"], {"message": "x"})
    assert refused.status_code == 403 and "Your form was not sent" in refused.text
    documents["tip form refused for want of its cookie"] = refused.content.decode()
    client.force_login(make_staff("reporter", "Reporter"))
    tip = reverse("admin:feedback_tip_change", args=[Tip.objects.create(message="x").pk])
    forbidden = client.get(tip)
    assert forbidden.status_code == 403 and "not open to you" in forbidden.text
    documents["a tip refused to a reporter"] = forbidden.content.decode()
    report = [
        f"{name}:\n    " + "\n    ".join(found)
        for name, found in vnu.errors(documents).items()
        if found
    ]
    assert not report, "\n".join(["Nu HTML checker errors:", *report])


def test_every_custom_admin_page_has_no_nu_checker_error(demo, client, vnu):
    pages = admin_pages()
    client.force_login(User.objects.get(username="chief"))
    documents = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        documents[f"{name} {path}"] = response.content.decode()
    report = [
        f"{name}:\n    " + "\n    ".join(found)
        for name, found in vnu.errors(documents).items()
        if found
    ]
    assert not report, "\n".join(["Nu HTML checker errors:", *report])
