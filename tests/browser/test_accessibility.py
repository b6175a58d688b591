"""axe-core finds no WCAG violation, of any impact, on any public page type or custom admin page."""

import pytest
from django.contrib.auth import get_user_model

from stories.models import Story
from tests.browser.conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


def test_every_public_page_type_has_no_axe_violation(demo, page, axe_violations):
    report = []
    for name, path in demo.items():
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(path).status == 200, path
            found = axe_violations(page)
            if found:
                report.append(f"{name} page {path} at {width}px:")
                report += found
    assert not report, "\n".join(["axe-core violations:", *report])


def test_custom_admin_pages_have_no_axe_violation(demo, page, axe_violations):
    get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    story = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
    log_in(page, "chief")
    pages = {
        "story changelist": "/admin/stories/story/",
        "story add form": "/admin/stories/story/add/",
        "story change form": f"/admin/stories/story/{story.pk}/change/",
    }
    report = []
    for name, path in pages.items():
        assert page.goto(path).status == 200, path
        found = axe_violations(page)
        if found:
            report.append(f"{name} {path}:")
            report += found
    assert not report, "\n".join(["axe-core violations:", *report])
