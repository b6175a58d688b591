"""Every API endpoint answers bad input with a JSON 400 (or 404 for an id), never a 500.

Each list is asked with one bad value at a time in each parameter it takes, and with
parameters it does not take; each detail with ids no database can hold. Run on PostgreSQL
too, where an overflow or a null byte would surface: ``DATABASE_URL=postgres://... pytest
tests/test_api_fuzz.py``.
"""

from django.test import TestCase, override_settings

from api import cursors
from tests.helpers.factories import make_public_story

HUGE = "99999999999999999999999"
BAD = [
    HUGE,
    str(2**63),
    "-1",
    "0",
    "nan",
    "1e10",
    "",
    "x" * 10_000,
    "nul\x00byte",
    "é🔥",
    "../../etc/passwd",
    "2026-13-45",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
]
CURSORS = [
    "x",
    "!!",
    cursors.encode("not a time", 1),
    cursors.encode("2026-01-01T00:00:00", 1),
    cursors.encode("2026-01-01T00:00:00+00:00", 2**64),
    cursors.encode("2026-01-01T00:00:00+00:00", True),
    cursors.encode(1),
    cursors.encode([], {}),
    cursors.encode(HUGE),
]
LISTS = {
    "/api/v1/stories/": ["cursor", "limit", "section", "tag", "person", "kind", "updated_since"],
    "/api/v1/sections/": ["cursor", "limit"],
    "/api/v1/tags/": ["cursor", "limit"],
    "/api/v1/people/": ["cursor", "limit"],
    "/api/v1/corrections/": ["cursor", "limit"],
}
DETAILS = ["stories", "sections", "tags", "people"]


@override_settings(API_ANONYMOUS_RATE_LIMIT=100_000)
class ApiFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_public_story()

    def check(self, response, allowed):
        assert response.status_code in allowed, (response.status_code, response.content[:200])
        assert "error" in response.json()

    def test_bad_values_of_every_parameter_answer_400(self):
        for url, parameters in LISTS.items():
            for name in parameters:
                values = BAD + (CURSORS if name == "cursor" else [])
                for value in values:
                    with self.subTest(url=url, name=name, value=value[:30]):
                        response = self.client.get(url, {name: value})
                        if response.status_code == 200:
                            continue  # a value that happens to be fine ("0001-..." is not)
                        self.check(response, {400})

    def test_unknown_and_repeated_parameters_and_huge_limits_answer_400(self):
        for url in LISTS:
            for query in ["?page=2", "?limit=1000", "?limit=20&limit=30", "?offset=5", "?q=x"]:
                with self.subTest(url=url, query=query):
                    self.check(self.client.get(url + query), {400})

    def test_ids_no_database_holds_answer_404(self):
        for kind in DETAILS:
            for pk in [HUGE, str(2**63), "0", "999999"]:
                with self.subTest(kind=kind, pk=pk):
                    self.check(self.client.get(f"/api/v1/{kind}/{pk}/"), {404})
            with self.subTest(kind=kind, query="unknown"):
                self.check(self.client.get(f"/api/v1/{kind}/1/?x=1"), {400, 404})
