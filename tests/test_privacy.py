"""Nothing that is not public reaches a reader: a canary planted in every hidden place
must be absent from every public page, feed, sitemap and piece of structured data."""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

from django.test import Client, TestCase
from django.utils import timezone

from feedback.models import ErrorReport, Tip
from fronts.curating import Entry, arrange, save_banner
from fronts.models import Banner, Front
from live.models import LiveUpdateCitation
from stories import workflow
from stories.models import Correction, Person, PreviewLink, Source, Story
from tests.helpers.accounts import make_user
from tests.helpers.demo import load_demo
from tests.helpers.factories import (
    add_byline,
    cite,
    hidden_stories,
    make_person,
    make_public_story,
    make_source,
)
from tests.helpers.live import add_update, hidden_updates, make_live_story
from tests.helpers.reader_data import make_image

CANARY = "Zqxcanary"
LINK = re.compile(r'(?:href="|<loc>|<link>|"url": "|"@id": ")(?:http://testserver)?(/[^"<#\s]*)')
SKIP = ("/admin/", "/static/", "/media/")


class CanaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.main = Story.objects.get(slug="irs-commissioner-melanie-krause-resigns")
        staff = Person.objects.get(slug="elena-marsh")
        cls.hidden = hidden_stories(canary=CANARY)
        cls.secret_person = make_person(name=f"{CANARY} Person", slug="zqxcanary-person")
        for story in cls.hidden.values():
            story.hero_image = make_image(alt_text=f"{CANARY} alt", caption=f"{CANARY} caption")
            story.dek = f"{CANARY} dek"
            story.kicker = CANARY
            story.save()
            add_byline(story, staff)
            add_byline(story, cls.secret_person)
            story.people.add(cls.secret_person)
            story.tags.add("IRS", f"{CANARY} topic")
            Correction.objects.create(story=story, text=f"{CANARY} correction")
            cite(story, make_source(name=f"{CANARY} named source"))
            story.related_stories.add(cls.main)

        secret = make_source(
            name=f"{CANARY} identity",
            affiliation=f"{CANARY} agency",
            url=f"https://example.org/{CANARY}",
            contact_details=f"{CANARY} phone",
            private_notes=f"{CANARY} notes",
            kind=Source.Kind.OFFICIAL,
        )
        cite(cls.main, secret, is_anonymous=True, public_description="a person in the room")
        named = make_source(
            name="Public Records Office",
            contact_details=f"{CANARY} switchboard",
            private_notes=f"{CANARY} do not call",
        )
        cite(cls.main, named, supports="The dates.")
        cls.main.hero_image = make_image(usage_note=f"{CANARY} licence terms")
        cls.main.save()
        # A retracted story keeps its headline and corrections at its address, nothing else.
        cls.retracted = make_public_story(
            headline="A report we withdrew",
            dek=f"{CANARY} retracted dek",
            body=f"<p>{CANARY} retracted body</p>",
            kicker=CANARY,
            hero_image=make_image(alt_text=f"{CANARY} retracted alt"),
        )
        add_byline(cls.retracted, cls.secret_person)
        cls.retracted.people.add(cls.secret_person)
        cls.retracted.tags.add(f"{CANARY} topic")
        cite(cls.retracted, make_source(name=f"{CANARY} retracted source"))
        cls.retracted.related_stories.add(cls.main)
        workflow.retract(
            cls.retracted, by=workflow.SYSTEM, text="It rested on a forged memo.", note="test"
        )
        # Live coverage: a public update, and one in each hidden state; updates of a hidden story.
        make_live_story(cls.main)
        public_update = add_update(cls.main, headline="A public update", authors=[staff])
        # Its sources as a story's: the anonymous one by its description only.
        LiveUpdateCitation.objects.create(
            update=public_update,
            source=secret,
            is_anonymous=True,
            public_description="a witness at the scene",
        )
        LiveUpdateCitation.objects.create(update=public_update, source=named)
        for update in hidden_updates(cls.main, canary=CANARY).values():
            update.authors.add(cls.secret_person)
            LiveUpdateCitation.objects.create(
                update=update, source=make_source(name=f"{CANARY} update source")
            )
        cls.hidden_live = make_live_story(cls.hidden["draft"])
        add_update(cls.hidden_live, headline=f"{CANARY} update of a draft")

        # What readers sent the newsroom: for editors only.
        ErrorReport.objects.create(
            story=cls.main,
            story_version=cls.main.updated_at,
            text=f"{CANARY} report",
            name=f"{CANARY} reporter name",
            email="zqxcanary@example.org",
        )
        Tip.objects.create(message=f"{CANARY} tip", contact=f"{CANARY} tipster")

        cls.plant_on_fronts_and_banners()

    @classmethod
    def plant_on_fronts_and_banners(cls):
        """Every hidden story slotted on the home front and a section's, under a headline of
        the front's own; a front scheduled for tomorrow; banners not started, expired, or
        linking to a hidden story."""
        editor, now = make_user("editor", "front-editor"), timezone.now()
        slots = [Entry(cls.main.pk)] + [
            Entry(story.pk, headline=f"{CANARY} slot", dek=f"{CANARY} slot dek")
            for story in cls.hidden.values()
        ]
        for front in (Front.objects.of(), Front.objects.of(cls.main.section)):
            arrange(front, slots, by=editor)
            arrange(
                front,
                [Entry(cls.main.pk, headline=f"{CANARY} tomorrow")],
                by=editor,
                takes_effect_at=now + timedelta(days=1),
            )
        day = timedelta(days=1)
        for starts, expires, story in [
            (now + day, now + 2 * day, None),
            (now - 2 * day, now - day, None),
            (now - day, now + day, cls.hidden["scheduled"]),
            (now - day, now + day, cls.hidden["draft"]),
        ]:
            save_banner(
                Banner(
                    text=f"{CANARY} banner",
                    story=story,
                    url="" if story else f"https://example.org/{CANARY}",
                    starts_at=starts,
                    expires_at=expires,
                ),
                by=editor,
            )

    def crawl(self, start, hidden):
        """Fetch ``start`` and every address linked from what they answer, and so on.

        The ``hidden`` addresses must answer 404; every other one, 200 or a redirect.
        """
        seen, queue, responses = set(), deque(start), {}
        while queue and len(seen) < 1000:
            path = queue.popleft()
            if path in seen or path.startswith(SKIP):
                continue
            seen.add(path)
            response = self.client.get(path)
            expected = {404} if path in hidden else {200, 301}
            assert response.status_code in expected, (path, response.status_code)
            body = response.content.decode()
            responses[path] = (response.status_code, body)
            if response.status_code == 301:
                queue.append(urlsplit(response["Location"]).path)
            for link in LINK.findall(body):
                queue.append(link)
        return responses

    def test_the_canary_is_absent_from_every_public_address(self):
        hidden_urls = [story.get_absolute_url() for story in self.hidden.values()]
        hidden = [
            *hidden_urls,
            "/tag/zqxcanary-topic/",
            "/tag/zqxcanary-topic/rss/",
            "/people/zqxcanary-person/",
            "/people/zqxcanary-person/atom/",
            *(f"/live/{self.hidden_live.pk}/{name}/" for name in ("updates", "rss", "atom")),
        ]
        start = [
            f"/live/{self.main.pk}/updates/",
            "/",
            "/rss/",
            "/atom/",
            "/rss/full/",
            "/atom/full/",
            "/robots.txt",
            "/.well-known/security.txt",
            "/sitemap.xml",
            "/news-sitemap.xml",
            "/corrections/",
            "/corrections/rss/",
            "/corrections/atom/",
            self.retracted.get_absolute_url(),
            *hidden,
        ]
        responses = self.crawl(start, hidden)
        for path, (_status, body) in responses.items():
            with self.subTest(path=path):
                assert CANARY.lower() not in body.lower()
        # The fronts showed the public story they slot, and the newest stories below.
        assert self.main.get_absolute_url() in responses["/"][1]
        assert self.main.get_absolute_url() in responses[self.main.section.get_absolute_url()][1]

        # The crawl really reached every kind of public address.
        ok = {path for path, (status, _) in responses.items() if status == 200}
        for expected in [
            self.main.get_absolute_url(),
            "/people/elena-marsh/",
            "/people/elena-marsh/rss/",
            "/tag/irs/",
            "/tag/irs/atom/",
            "/section/government/rss/",
            "/sitemap-stories.xml",
            "/2026/11/",
            "/ethics/",
            "/tips/",
            "/contact-securely/",
            f"/report-an-error/{self.main.pk}/",
            f"/live/{self.main.pk}/rss/",
            f"/live/{self.main.pk}/atom/",
        ]:
            assert expected in ok, expected
        assert len(ok) > 40
        for path in [*hidden_urls, "/tag/zqxcanary-topic/", "/people/zqxcanary-person/"]:
            assert responses[path][0] == 404
        notice = responses[self.retracted.get_absolute_url()][1]
        assert "A report we withdrew" in notice and "It rested on a forged memo." in notice

    def test_the_canary_is_absent_from_every_api_answer(self):
        """Every API endpoint, and every API address its answers link to, as a reader and as a
        partner key without embargo access; the hidden stories' ids are not found."""
        from api.models import ApiKey, Scope

        _key, presented = ApiKey.issue(name="Partner", scopes=[s.value for s in Scope])
        api_link = re.compile(r'"(?:api_url|next|stories_api_url)": "http://testserver([^"]+)"')
        hidden = [f"/api/v1/stories/{story.pk}/" for story in self.hidden.values()]
        hidden += [f"/api/v1/people/{self.secret_person.pk}/"]
        retracted = f"/api/v1/stories/{self.retracted.pk}/"
        for headers in ({}, {"Authorization": f"Bearer {presented}"}):
            start = [
                "/api/v1/stories/?limit=100",
                "/api/v1/sections/",
                "/api/v1/tags/?limit=100",
                "/api/v1/people/?limit=100",
                "/api/v1/corrections/?limit=100",
                "/api/v1/openapi.json",
            ]
            seen, queue = set(), deque([*start, retracted, *hidden])
            while queue and len(seen) < 1000:
                path = queue.popleft()
                if path in seen:
                    continue
                seen.add(path)
                response = self.client.get(path, headers=headers)
                expected = 404 if path in hidden else 410 if path == retracted else 200
                assert response.status_code == expected, (path, response.status_code)
                body = response.content.decode()
                assert CANARY.lower() not in body.lower(), path
                assert "switchboard" not in body and "licence terms" not in body
                queue.extend(api_link.findall(body))
            assert f"/api/v1/stories/{self.main.pk}/" in seen
            assert len(seen) > 30, len(seen)

    def test_story_page_never_loads_editor_only_source_fields(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(self.main.get_absolute_url()).status_code == 200
        sql = " ".join(q["sql"] for q in queries)
        assert "contact_details" not in sql
        assert "private_notes" not in sql

    def test_public_stories_show_only_the_anonymous_description(self):
        response = self.client.get(self.main.get_absolute_url())
        assert response.status_code == 200
        text = response.text
        assert "a person in the room" in text
        assert "Public Records Office" in text
        # The live update cites its sources by the same rule.
        update = text[text.index("A public update") :]
        assert "a witness at the scene" in update and "Public Records Office" in update
        api = self.client.get(f"/api/v1/stories/{self.main.pk}/")
        [cited] = [u for u in api.json()["live"]["updates"] if u["headline"] == "A public update"]
        assert [c["name"] for c in cited["citations"]] == [
            "a witness at the scene",
            "Public Records Office",
        ]

    def test_searching_for_hidden_words_finds_and_suggests_nothing(self):
        # The page echoes the query itself, so the canary is searched for through words that
        # sit next to it in hidden places; none of those places may come back.
        for words in [
            "headline",
            "draft body",
            "phone",
            "notes",
            "licence terms",
            "identity agency",
            "switchboard",
            "topic",
            "Zqxcanarz",
            "scheduled update body",
            "embargoed update body",
            "submitted update",
            "report",
            "tip",
            "tipster",
        ]:
            with self.subTest(words=words):
                page = self.client.get("/search/", {"q": words})
                assert page.status_code == 200
                assert CANARY.lower() not in page.content.decode().lower().replace(
                    words.lower(), ""
                )
                found = page.context["page"]
                assert found is None or not any(
                    story.pk in {hidden.pk for hidden in self.hidden.values()} for story in found
                )


# The crawl again, with caching on, after an editor has opened every preview and share
# link: nothing a staff member or a reviewer saw may be served to an anonymous reader.
CACHED_START = ["/", "/rss/", "/atom/", "/sitemap.xml", "/news-sitemap.xml", "/corrections/"]


class CachedCanaryTests(CanaryTests):
    def setUp(self):
        super().setUp()
        editor = make_user("editor", username="canary-editor")
        staff = Client()
        staff.force_login(editor)
        reviewer = Client()
        for story in self.hidden.values():
            assert staff.get(f"/admin/stories/story/{story.pk}/preview/").status_code == 200
            link = PreviewLink.objects.create(story=story, created_by=editor)
            for client in (staff, reviewer):
                assert CANARY in client.get(link.get_absolute_url()).text
            # Staff also read the public site while signed in.
            staff.get(story.get_absolute_url())
        for path in CACHED_START:
            staff.get(path)
        # Readers fill the cache; the inherited tests then read what it serves.
        hidden = {story.get_absolute_url() for story in self.hidden.values()}
        self.warmed = self.crawl(CACHED_START, hidden)

    def test_the_crawl_is_served_from_the_cache(self):
        hits = [path for path in self.warmed if self.client.get(path).get("X-Page-Cache") == "hit"]
        assert len(hits) > 40, hits
        for path in hits:
            with self.subTest(path=path):
                assert CANARY.lower() not in self.client.get(path).text.lower()
