"""Live updates cite their sources as stories do, and keep a history editors can compare and
restore; a save from a stale version of an update is refused."""

import io

from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import ProtectedError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from live import workflow
from live.models import LiveUpdate, LiveUpdateCitation, LiveUpdateRevision
from stories.models import Source
from stories.models.revisions import cited_source_id
from tests.helpers.accounts import make_user
from tests.helpers.factories import make_person, make_source
from tests.helpers.live import add_update, make_live_story

Status = LiveUpdate.Status


def update_post_data(update=None, **changes):
    """What the update's admin form posts for ``update`` (or a new one), with ``changes``."""
    data = {
        "headline": update.headline if update else "From the admin",
        "body": update.body if update else "<p>Filed.</p>",
        "status": update.status if update else Status.SUBMITTED,
        "authors": list(update.authors.values_list("pk", flat=True)) if update else [],
        "published_at_0": "",
        "published_at_1": "",
        "embargo_until_0": "",
        "embargo_until_1": "",
        "_save": "Save",
    }
    if update is None:
        data["story"] = changes.pop("story")
    else:
        data["base_version"] = update.version
        if update.published_at:
            local = timezone.localtime(update.published_at)
            data |= {
                "published_at_0": f"{local:%Y-%m-%d}",
                "published_at_1": f"{local:%H:%M:%S}",
            }
    for prefix in ("citations", "corrections"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def citation_fields(n, source, **fields):
    return {
        "citations-TOTAL_FORMS": n + 1,
        f"citations-{n}-source": source.pk,
        f"citations-{n}-cited_as": fields.get("cited_as", "according_to"),
        f"citations-{n}-position": fields.get("position", n),
        f"citations-{n}-supports": fields.get("supports", ""),
        f"citations-{n}-public_description": fields.get("public_description", ""),
        **({f"citations-{n}-is_anonymous": "on"} if fields.get("is_anonymous") else {}),
    }


class SourcesTests(TestCase):
    """An update's sources follow the story's rules: an anonymous one is only its description."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=True)
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")
        cls.secret = make_source(name="Hidden Name", contact_details="555 0100")
        cls.named = make_source(name="City Hall", url="https://example.org/city-hall")

    def publish_citing(self):
        update = workflow.file_update(
            self.story, by=self.editor, headline="Cited", body="<p>x</p>"
        )
        LiveUpdateCitation.objects.create(
            update=update, source=self.secret, is_anonymous=True, public_description="an aide"
        )
        LiveUpdateCitation.objects.create(update=update, source=self.named, supports="The vote.")
        return update

    def test_readers_see_an_updates_sources_by_their_public_names_only(self):
        self.publish_citing()
        fragment = self.client.get(reverse("live:updates", kwargs={"story": self.story.pk}))
        for name, page in [
            ("story page", self.client.get(self.story.get_absolute_url()).content.decode()),
            ("polling fragment", fragment.json()["updates"][0]["html"]),
        ]:
            with self.subTest(name):
                assert "How we reported this" in page
                assert '<a href="https://example.org/city-hall">City Hall</a> — The vote.' in page
                assert "an aide" in page and "our policy on anonymous sources" in page
                assert "Hidden Name" not in page and "555 0100" not in page

    def test_a_reporter_cites_an_anonymous_source_which_the_database_keeps_sealed(self):
        self.client.force_login(self.reporter)
        data = update_post_data(story=self.story.pk) | citation_fields(
            0, self.secret, is_anonymous=True, public_description="a witness"
        )
        response = self.client.post(reverse("admin:live_liveupdate_add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        [citation] = LiveUpdateCitation.objects.all()
        assert citation.source_id is None and citation.cited_source_id == self.secret.pk

    def test_renaming_a_cited_source_or_removing_a_citation_purges_the_story_page(self):
        update = self.publish_citing()
        page = self.story.get_absolute_url()

        def rename():
            source = Source.objects.get(pk=self.named.pk)
            source.name = "Town Hall"
            source.save()

        def uncite():
            update.citations.get(is_anonymous=True).delete()

        for change in (rename, uncite):
            with self.subTest(change.__name__):
                self.client.get(page)
                assert self.client.get(page)["X-Page-Cache"] == "hit"
                change()
                assert self.client.get(page)["X-Page-Cache"] == "miss"
        assert "Town Hall" in self.client.get(page).content.decode()

    def test_an_anonymous_source_needs_a_public_description(self):
        self.client.force_login(self.reporter)
        data = update_post_data(story=self.story.pk) | citation_fields(
            0, self.secret, is_anonymous=True
        )
        response = self.client.post(reverse("admin:live_liveupdate_add"), data)
        assert response.status_code == 200
        assert "Describe the anonymous source for readers." in response.content.decode()
        assert not LiveUpdate.objects.exists()

    def test_a_source_an_update_cites_anonymously_cannot_be_deleted(self):
        self.publish_citing()
        with self.assertRaises(ProtectedError):
            self.secret.delete()

    def test_a_public_document_cited_by_name_in_a_public_update_is_downloadable(self):
        document = make_source(name="Report", document="documents/r.pdf", document_is_public=True)
        assert not Source.objects.with_public_document().exists()
        update = workflow.file_update(self.story, by=self.editor, body="<p>x</p>")
        LiveUpdateCitation.objects.create(update=update, source=document)
        assert list(Source.objects.with_public_document()) == [document]
        workflow.save_update(update, by=self.editor, status=Status.DRAFT)
        assert not Source.objects.with_public_document().exists()


class KeyRotationTests(TestCase):
    def test_rotating_keys_re_encrypts_an_updates_anonymous_source_and_its_revisions(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        editor = make_user("editor")
        with override_settings(SOURCE_ENCRYPTION_KEYS=[old]):
            story, secret = make_live_story(), make_source(name="Hidden Name")
            update = workflow.file_update(story, by=editor, body="<p>x</p>")
            LiveUpdateCitation.objects.create(
                update=update, source=secret, is_anonymous=True, public_description="an aide"
            )
            workflow.save_update(update, by=editor)
        with override_settings(SOURCE_ENCRYPTION_KEYS=[new, old]):
            out = io.StringIO()
            call_command("rotate_source_keys", stdout=out)
            # The citation's sealed source and its copy in the second revision.
            assert "Re-encrypted 2 values with the newest key" in out.getvalue()
        with override_settings(SOURCE_ENCRYPTION_KEYS=[new]):
            assert LiveUpdateCitation.objects.get().cited_source == secret
            [cited] = update.revisions.first().snapshot["citations"]
            assert cited_source_id(cited) == secret.pk


class RevisionTests(TestCase):
    """Every save of an update is a revision; editors compare and restore them."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=True)
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")
        cls.person = make_person(name="Ada Reporter")
        cls.secret = make_source(name="Hidden Name")

    def file(self, by=None, **fields):
        fields.setdefault("body", "<p>The council met.</p>")
        return workflow.file_update(self.story, by=by or self.reporter, headline="Met", **fields)

    def test_every_save_records_who_when_and_a_snapshot(self):
        update = self.file(authors=[self.person])
        LiveUpdateCitation.objects.create(
            update=update, source=self.secret, is_anonymous=True, public_description="an aide"
        )
        update.headline = "The council voted"
        workflow.save_update(update, by=self.reporter)
        workflow.publish(update, by=self.editor)
        workflow.pin(update, by=self.editor)
        first, second, third, fourth = update.revisions.order_by("pk")
        assert [r.created_by for r in (first, second, third, fourth)] == [
            self.reporter,
            self.reporter,
            self.editor,
            self.editor,
        ]
        assert first.snapshot["authors"] == [self.person.pk]
        assert second.changed_fields == ["headline", "citations"]
        assert third.changed_fields == ["status", "published_at"]
        assert fourth.changed_fields == ["pinned"]
        # The anonymous source is kept as the citation keeps it: encrypted.
        [cited] = fourth.snapshot["citations"]
        assert cited["source"] is None and str(self.secret.pk) != cited["sealed_source"]
        assert cited_source_id(cited) == self.secret.pk

    def test_pinning_records_a_revision_of_the_update_it_unpins(self):
        before = self.file(by=self.editor)
        workflow.pin(before, by=self.editor)
        workflow.pin(self.file(by=self.editor), by=self.editor)
        assert before.revisions.first().changed_fields == ["pinned"]

    def test_opening_an_update_saved_before_revisions_were_kept_records_it_as_found(self):
        update = add_update(self.story, status=Status.SUBMITTED)
        self.client.force_login(self.editor)
        self.client.get(reverse("admin:live_liveupdate_change", args=[update.pk]))
        update.headline = "Changed"
        workflow.save_update(update, by=self.editor)
        found, saved = update.revisions.order_by("pk")
        assert found.summary == "As found before the first recorded change"
        assert saved.changed_fields == ["headline"]

    def test_editors_see_the_history_and_a_word_level_comparison(self):
        update = self.file()
        update.body = "<p>The council met at noon.</p>"
        workflow.save_update(update, by=self.reporter)
        older, newer = update.revisions.order_by("pk")
        self.client.force_login(self.editor)
        change = self.client.get(reverse("admin:live_liveupdate_change", args=[update.pk]))
        history = reverse("admin:live_liveupdate_revisions", args=[update.pk])
        assert history in change.content.decode()
        listed = self.client.get(history).content.decode()
        assert f'<th scope="row">{newer.pk}</th>' in listed and "<td>body</td>" in listed
        compare = reverse("admin:live_liveupdate_compare", args=[update.pk])
        page = self.client.get(f"{compare}?a={older.pk}&b={newer.pk}").content.decode()
        assert (
            "The council <del>met.</del>" in page and "The council <ins>met at noon.</ins>" in page
        )
        assert f"Restore revision {older.pk}" in page
        assert self.client.get(f"{compare}?a=x&b={newer.pk}").status_code == 400
        assert self.client.get(f"{compare}?a=999999&b={newer.pk}").status_code == 404
        restore = reverse("admin:live_liveupdate_restore", args=[update.pk, older.pk])
        assert self.client.get(restore).status_code == 400

    def test_a_reporter_sees_the_history_of_updates_they_can_edit_only(self):
        waiting, published = self.file(), self.file()
        workflow.publish(published, by=self.editor)
        self.client.force_login(self.reporter)
        for update, status in [(waiting, 200), (published, 403)]:
            with self.subTest(update=update.status):
                history = reverse("admin:live_liveupdate_revisions", args=[update.pk])
                assert self.client.get(history).status_code == status
        with self.assertRaises(PermissionDenied):
            workflow.restore_update(published.revisions.first(), by=self.reporter)

    def test_a_restore_brings_back_text_authors_and_sources_as_a_new_revision(self):
        update = self.file(authors=[self.person])
        LiveUpdateCitation.objects.create(
            update=update, source=self.secret, is_anonymous=True, public_description="an aide"
        )
        workflow.save_update(update, by=self.reporter)
        kept = update.revisions.first()
        update = LiveUpdate.objects.get(pk=update.pk)
        update.headline, update.body = "Changed", "<p>Changed.</p>"
        LiveUpdateCitation.objects.all().delete()
        workflow.save_update(update, by=self.reporter, authors=[])
        self.client.force_login(self.reporter)
        restore = reverse("admin:live_liveupdate_restore", args=[update.pk, kept.pk])
        assert self.client.post(restore).status_code == 302
        update = LiveUpdate.objects.get(pk=update.pk)
        assert (update.headline, update.body) == ("Met", "<p>The council met.</p>")
        assert list(update.authors.all()) == [self.person]
        [citation] = update.citations.all()
        assert citation.is_anonymous and citation.cited_source_id == self.secret.pk
        newest = update.revisions.first()
        assert newest.summary.startswith(f"Restored revision {kept.pk}")
        assert newest.created_by == self.reporter
        assert newest.changed_fields == ["headline", "body", "authors", "citations"]

    def test_a_restore_never_publishes_for_a_reporter_where_approval_is_required(self):
        update = self.file()
        workflow.publish(update, by=self.editor)
        published = update.revisions.first()
        workflow.save_update(update, by=self.editor, status=Status.DRAFT)
        workflow.restore_update(published, by=self.reporter)
        update = LiveUpdate.objects.get(pk=update.pk)
        assert update.status == Status.DRAFT
        assert not LiveUpdate.objects.public().filter(pk=update.pk).exists()

    def test_a_restore_is_purged_and_reindexed_like_any_update_change(self):
        update = self.file(by=self.editor, body="<p>Original words.</p>")
        kept = update.revisions.first()
        update.body = "<p>Replacement words.</p>"
        workflow.save_update(update, by=self.editor)
        page = self.story.get_absolute_url()
        self.client.get(page)
        assert self.client.get(page)["X-Page-Cache"] == "hit"
        workflow.restore_update(kept, by=self.editor)
        response = self.client.get(page)
        assert response["X-Page-Cache"] == "miss"
        assert "Original words." in response.content.decode()
        found = self.client.get(reverse("stories:search"), {"q": "Original"}).content.decode()
        assert self.story.headline in found

    def test_a_revision_whose_author_was_deleted_is_not_restored(self):
        gone = make_person(name="Gone")
        update = self.file(authors=[gone])
        kept = update.revisions.first()
        gone.delete()
        self.client.force_login(self.reporter)
        restore = reverse("admin:live_liveupdate_restore", args=[update.pk, kept.pk])
        response = self.client.post(restore, follow=True)
        assert "has since been deleted" in response.content.decode()
        assert update.revisions.count() == 1


class EditConflictTests(TestCase):
    """Two people open the same update; the second save is refused, their text kept."""

    @classmethod
    def setUpTestData(cls):
        cls.story = make_live_story(requires_approval=True)
        cls.reporter = make_user("reporter")
        cls.editor = make_user("editor")

    def test_a_conflicting_save_is_refused_with_the_editors_text_kept(self):
        update = workflow.file_update(self.story, by=self.reporter, body="<p>First.</p>")
        change = reverse("admin:live_liveupdate_change", args=[update.pk])
        opened = update_post_data(update, headline="My version")
        # Meanwhile an editor saves.
        other = LiveUpdate.objects.get(pk=update.pk)
        other.headline = "Their version"
        workflow.save_update(other, by=self.editor)
        self.client.force_login(self.reporter)
        response = self.client.post(change, opened)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Your changes were not saved" in page and 'value="My version"' in page
        assert LiveUpdate.objects.get(pk=update.pk).headline == "Their version"
        # Saving the same form again is the choice to replace their version.
        again = opened | {"base_version": update.version + 1}
        assert self.client.post(change, again).status_code == 302
        assert LiveUpdate.objects.get(pk=update.pk).headline == "My version"
        assert LiveUpdateRevision.objects.filter(update=update).count() == 3
