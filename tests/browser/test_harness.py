"""The browser harness catches what it looks for: requests off this machine, axe violations."""

import pytest

from tests.helpers.browser import OutboundGuard

pytestmark = pytest.mark.browser


def test_a_request_off_this_machine_is_recorded_and_blocked(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    guard = OutboundGuard()
    guard.attach(context)
    try:
        page = context.new_page()
        page.goto("/")
        page.set_content('<img alt="" src="https://example.org/pixel.png">')
        failed = page.evaluate("document.images[0].complete && !document.images[0].naturalWidth")
    finally:
        context.close()
    assert live_server.url + "/" in guard.requests
    assert guard.leaks() == ["https://example.org/pixel.png"]
    assert failed


def test_axe_reports_a_violation_readably(page, axe_violations):
    page.set_content(
        '<!DOCTYPE html><html lang="en"><title>t</title><main><img src="data:,"></main></html>'
    )
    found = axe_violations(page)
    assert found[0].startswith("image-alt (critical): Images must have alternative text")
    assert found[1].startswith("    at img: ")
