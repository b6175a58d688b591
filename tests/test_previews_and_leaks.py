"""Previews show unpublished stories to the right people only; readers never see them."""

from datetime import timedelta

from django.core import signing
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from stories import workflow
from stories.models import PreviewLink, Story
from stories.models.workflow import PREVIEW_SALT
from tests.helpers.accounts import make_user
from tests.helpers.factories import add_byline, hidden_stories, make_person, make_public_story

CANARY = "LEAKCANARY"


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.hidden = hidden_stories(CANARY)
        cls.draft = cls.hidden["draft"]
        cls.embargoed = cls.hidden["embargoed"]

    def shared(self, story, **fields):
        link = PreviewLink.objects.create(story=story, created_by=self.editor, **fields)
        return link, link.get_absolute_url()

    def test_an_editor_previews_a_draft_on_the_story_template_marked_draft(self):
        self.client.force_login(self.editor)
        response = self.client.get(admin_url("preview", self.draft.pk))
        assert response.status_code == 200
        assert "stories/story_detail.html" in [t.name for t in response.templates]
        assert response.context["story"] == self.draft
        assert "related" in response.context
        assert response.context["preview"]
        assert f"{CANARY} draft body" in response.text
        assert "<strong>DRAFT</strong>" in response.text

    def test_a_preview_lists_the_related_stories_its_story_page_lists(self):
        related = make_public_story(headline="Related and public")
        story = make_public_story()
        story.related_stories.add(related, self.hidden["scheduled"])
        self.client.force_login(self.editor)
        on_page = self.client.get(story.get_absolute_url()).context["related"]
        in_preview = self.client.get(admin_url("preview", story.pk)).context["related"]
        assert list(on_page) == list(in_preview) == [related]

    def test_a_reviewer_without_an_account_opens_a_shared_link(self):
        _, url = self.shared(self.draft)
        response = self.client.get(url)
        assert response.status_code == 200
        assert f"{CANARY} draft headline" in response.text
        assert "<strong>DRAFT</strong>" in response.text

    def test_previews_are_never_cached_nor_indexed(self):
        _, url = self.shared(self.draft)
        self.client.force_login(self.editor)
        for response in [
            self.client.get(url),
            self.client.get(admin_url("preview", self.draft.pk)),
        ]:
            assert '<meta name="robots" content="noindex' in response.text
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]
            assert "noindex" in response["X-Robots-Tag"]

    def test_an_embargoed_story_is_marked_embargoed(self):
        _, url = self.shared(self.embargoed)
        assert "<strong>EMBARGOED</strong> until" in self.client.get(url).text

    def test_a_link_lasts_48_hours_by_default(self):
        link, _ = self.shared(self.draft)
        assert abs(link.expires_at - (timezone.now() + timedelta(hours=48))) < timedelta(minutes=1)

    def test_a_link_stops_working_when_revoked_expired_or_its_story_is_deleted(self):
        revoked, revoked_url = self.shared(self.draft)
        revoked.revoke()
        _, expired_url = self.shared(self.draft, expires_at=timezone.now() - timedelta(seconds=1))
        doomed = make_public_story(headline=f"{CANARY} doomed", status=Story.Status.DRAFT)
        _, deleted_url = self.shared(doomed)
        doomed.delete()
        for url in [revoked_url, expired_url, deleted_url]:
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 404
                assert CANARY not in response.text

    def test_a_forged_or_tampered_token_is_refused(self):
        link, url = self.shared(self.draft)
        forged = [
            reverse("stories:shared_preview", kwargs={"token": link.key}),
            reverse("stories:shared_preview", kwargs={"token": link.key + ":abc"}),
            reverse(
                "stories:shared_preview",
                kwargs={"token": signing.Signer(salt="other").sign(link.key)},
            ),
            reverse(
                "stories:shared_preview",
                kwargs={"token": signing.Signer(salt=PREVIEW_SALT).sign("guessed-key")},
            ),
            url[:-3] + "x/",
        ]
        for bad in forged:
            with self.subTest(url=bad):
                response = self.client.get(bad)
                assert response.status_code == 404
                assert CANARY not in response.text

    def test_a_shared_link_ends_when_its_story_is_published(self):
        story = make_public_story(headline=f"{CANARY} soon public", status=Story.Status.DRAFT)
        _, url = self.shared(story)
        assert self.client.get(url).status_code == 200
        workflow.publish(story, by=self.editor)
        assert self.client.get(url).status_code == 404
        assert self.client.get(story.get_absolute_url()).status_code == 200

    def test_a_shared_link_ends_when_its_story_is_unpublished_and_a_new_one_works(self):
        story = make_public_story(headline=f"{CANARY} withdrawn")
        _, url = self.shared(story)
        assert self.client.get(url).status_code == 200
        workflow.unpublish(story, by=self.editor)
        response = self.client.get(url)
        assert response.status_code == 404
        assert CANARY not in response.text
        _, new_url = self.shared(story)
        assert self.client.get(new_url).status_code == 200

    def test_moves_that_keep_a_story_from_readers_leave_its_links_working(self):
        story = make_public_story(headline=f"{CANARY} in review", status=Story.Status.DRAFT)
        _, url = self.shared(story)
        workflow.submit(story, by=self.editor)
        workflow.return_to_draft(story, by=self.editor)
        assert self.client.get(url).status_code == 200

    def test_revoking_from_the_story_page_ends_the_link(self):
        self.client.force_login(self.editor)
        self.client.post(admin_url("share", self.draft.pk))
        link = PreviewLink.objects.get(story=self.draft)
        page = self.client.get(admin_url("change", self.draft.pk)).text
        assert link.get_absolute_url() in page
        self.client.post(admin_url("revoke_preview", self.draft.pk, link.pk))
        self.client.logout()
        assert self.client.get(link.get_absolute_url()).status_code == 404


class NoLeakTests(TestCase):
    """Every hidden state, on every public address, before and after editors looked at it."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.hidden = hidden_stories(CANARY)
        cls.reporter = make_person(name="Staff Writer", slug="staff-writer", is_staff_member=True)
        cls.insider = make_person(name=f"{CANARY} Insider", slug="insider")
        cls.public = make_public_story(section=cls.hidden["draft"].section, headline="Public one")
        cls.public.tags.add("Canary topic")
        for story in cls.hidden.values():
            add_byline(story, cls.reporter)
            story.people.add(cls.insider)
            story.tags.add("Canary topic")
            story.related_stories.add(cls.public)
            PreviewLink.objects.create(story=story, revoked_at=timezone.now())

    def public_urls(self):
        """Pages every reader may open: each answers 200."""
        return [
            reverse("stories:home"),
            self.public.section.get_absolute_url(),
            self.public.tags.get().get_absolute_url(),
            self.reporter.get_absolute_url(),
            self.public.get_absolute_url(),
            reverse("stories:home") + "?page=1",
        ]

    def hidden_urls(self):
        """Addresses of what no reader may see: each answers 404."""
        urls = [self.insider.get_absolute_url()]
        urls += [story.get_absolute_url() for story in self.hidden.values()]
        revoked = PreviewLink.objects.exclude(revoked_at=None)
        urls += [link.get_absolute_url() for link in revoked]
        return urls

    def assert_no_leak(self):
        for status, urls in [(200, self.public_urls()), (404, self.hidden_urls())]:
            for url in urls:
                with self.subTest(url=url):
                    response = self.client.get(url)
                    assert response.status_code == status
                    assert CANARY not in response.text

    def test_hidden_stories_are_absent_from_every_public_url(self):
        self.assert_no_leak()

    def test_still_absent_after_an_editor_viewed_and_previewed_them(self):
        self.client.force_login(self.editor)
        for story in self.hidden.values():
            assert self.client.get(admin_url("change", story.pk)).status_code == 200
            assert CANARY in self.client.get(admin_url("preview", story.pk)).text
            self.client.post(admin_url("share", story.pk))
        self.client.logout()
        self.assert_no_leak()

    def test_a_signed_in_editor_also_sees_only_public_stories_on_the_site(self):
        self.client.force_login(self.editor)
        self.assert_no_leak()
