"""Every public page type is valid HTML by the W3C Nu checker: no errors at all."""

from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.helpers.browser import expected_status

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


def fetch(url):
    """The status and the HTML of a page, whatever the status."""
    try:
        response = urlopen(url)
    except HTTPError as error:
        response = error
    with response:
        return response.status, response.read().decode()
