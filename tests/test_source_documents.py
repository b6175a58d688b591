"""A source's document lives outside the public media and is handed out only after a check:
to the newsroom always, to readers only when it is public and cited by name in a public story,
and always as a download."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from stories import documents
from stories.models import Source
from tests.helpers.accounts import ROLES, make_user
from tests.helpers.documents import ACCEPTED_FILES, PDF, REFUSED_FILES, make_document_source
from tests.helpers.factories import cite, make_public_story, make_story

MAY_DOWNLOAD_PRIVATE = {"reporter", "editor", "superuser"}


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


class StorageTests(TestCase):
    def test_documents_are_stored_outside_the_public_media_root(self):
        source = make_document_source()
        path = Path(source.document.path)
        assert path.read_bytes() == PDF
        assert path.is_relative_to(storages["private"].location)
        assert not path.is_relative_to(settings.MEDIA_ROOT)
        assert not default_storage.exists(source.document.name)

    def test_no_document_answers_at_a_media_address(self):
        source = make_document_source(document_is_public=True)
        cite(make_public_story(), source)
        assert self.client.get(f"/media/{source.document.name}").status_code == 404

    def test_the_admin_links_a_document_through_the_checked_view(self):
        source = make_document_source()
        assert source.document.url == source.document_url
        assert source.document_url == f"/files/{source.document.name}"


class DownloadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.private = make_document_source()
        cite(make_public_story(), cls.private)

    def get_as(self, role, source):
        if self.users[role] is not None:
            self.client.force_login(self.users[role])
        return self.client.get(source.document_url)

    def test_a_private_document_is_only_for_roles_that_see_sources(self):
        for role in ROLES:
            with self.subTest(role=role):
                response = self.get_as(role, self.private)
                if role in MAY_DOWNLOAD_PRIVATE:
                    assert response.status_code == 200
                    assert body(response) == PDF
                else:
                    assert response.status_code == 404
                    assert PDF not in response.content
                self.client.logout()

    def test_a_private_document_is_not_linked_from_the_story_citing_it(self):
        story = self.private.citations.get().story
        html = self.client.get(story.get_absolute_url()).text
        assert self.private.name in html
        assert self.private.document.name not in html

    def test_a_document_is_always_a_download_never_a_page(self):
        page = make_document_source("leak.html", b"<script>alert(document.cookie)</script>")
        self.client.force_login(self.users["editor"])
        response = self.client.get(page.document_url)
        assert response.status_code == 200
        filename = Path(page.document.name).name
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "private, no-store"

    def test_the_download_name_is_the_random_one_never_the_uploaded_one(self):
        source = make_document_source("from-jane-doe.pdf")
        self.client.force_login(self.users["reporter"])
        response = self.client.get(source.document_url)
        assert "jane" not in response["Content-Disposition"]

    def test_an_unknown_or_deleted_document_is_the_404_page(self):
        self.client.force_login(self.users["superuser"])
        assert self.client.get("/files/documents/0123456789abcdef.pdf").status_code == 404
        source = make_document_source()
        storages["private"].delete(source.document.name)
        assert self.client.get(source.document_url).status_code == 404

    def test_downloads_are_read_only(self):
        self.client.force_login(self.users["superuser"])
        assert self.client.post(self.private.document_url).status_code == 405


class PublicDocumentTests(TestCase):
    def test_a_public_document_cited_by_name_in_a_public_story_is_linked_and_downloadable(self):
        source = make_document_source(document_is_public=True)
        story = make_public_story()
        cite(story, source)
        assert source.document_url in self.client.get(story.get_absolute_url()).text
        response = self.client.get(source.document_url)
        assert response.status_code == 200
        assert body(response) == PDF
        assert response["Content-Disposition"].startswith("attachment;")

    def test_a_public_document_stays_closed_until_a_story_citing_it_by_name_is_public(self):
        cited_in_draft = make_document_source(document_is_public=True)
        cite(make_story(), cited_in_draft)
        cited_anonymously = make_document_source(document_is_public=True)
        cite(make_public_story(), cited_anonymously, is_anonymous=True, public_description="x")
        never_cited = make_document_source(document_is_public=True)
        for source in [cited_in_draft, cited_anonymously, never_cited]:
            with self.subTest(source=source.name):
                assert self.client.get(source.document_url).status_code == 404

    def test_only_editors_decide_that_a_document_is_public(self):
        source = make_document_source()
        url = reverse("admin:stories_source_change", args=[source.pk])
        for role, can_decide in [("reporter", False), ("editor", True)]:
            with self.subTest(role=role):
                self.client.force_login(make_user(role))
                form = self.client.get(url).text
                assert ('name="document_is_public"' in form) is can_decide
                assert "readers may download the document" in form.lower()


class UploadTests(TestCase):
    """Only the declared document types are taken, told by their content, never their name."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, name, content):
        return self.client.post(
            reverse("admin:stories_source_add"),
            {
                "kind": Source.Kind.DOCUMENT,
                "name": f"Source for {name}",
                "affiliation": "Treasury press office",
                "document": SimpleUploadedFile(name, content, content_type="application/pdf"),
                "_save": "Save",
            },
        )

    def test_each_accepted_type_is_stored_under_the_extension_of_what_it_holds(self):
        for name, (content, extension) in ACCEPTED_FILES.items():
            with self.subTest(name=name):
                response = self.upload(name, content)
                assert response.status_code == 302, response.context["adminform"].form.errors
                source = Source.objects.get(name=f"Source for {name}")
                assert source.document.name.endswith(f".{extension}")
                download = self.client.get(source.document_url)
                assert body(download) == content
                assert download["Content-Type"] == documents.ACCEPTED[extension].content_type

    def test_markup_programs_and_undeclared_types_are_refused_whatever_their_name(self):
        for name, content in REFUSED_FILES.items():
            with self.subTest(name=name):
                response = self.upload(name, content)
                assert response.status_code == 200
                errors = response.context["adminform"].form.errors["document"]
                assert "not one of the document types" in errors[0]
                assert "PDF; Word, Excel or PowerPoint" in errors[0]
                # The rest of what the editor typed is still in the form.
                assert "Treasury press office" in response.text
                assert not Source.objects.filter(name=f"Source for {name}").exists()

    def test_the_upload_field_names_the_accepted_types(self):
        form = self.client.get(reverse("admin:stories_source_add")).text
        assert "Accepted: PDF; Word, Excel or PowerPoint" in form
        assert 'accept=".pdf,' in form

    def test_a_document_stored_before_the_check_is_sent_as_plain_bytes(self):
        old = make_document_source("leak.html", b"<script>alert(document.cookie)</script>")
        response = self.client.get(old.document_url)
        assert response["Content-Type"] == "application/octet-stream"


class SendfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_document_source()

    def setUp(self):
        self.client.force_login(make_user("editor"))

    @override_settings(PRIVATE_MEDIA_SENDFILE="x-accel-redirect")
    def test_nginx_is_told_where_the_document_is_and_sends_it_itself(self):
        response = self.client.get(self.source.document_url)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/_private/{self.source.document.name}"
        assert response.content == b""
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"

    @override_settings(PRIVATE_MEDIA_SENDFILE="x-sendfile")
    def test_apache_is_given_the_documents_path(self):
        response = self.client.get(self.source.document_url)
        assert response["X-Sendfile"] == self.source.document.path
        assert response.content == b""

    @override_settings(PRIVATE_MEDIA_SENDFILE="x-accel-redirect")
    def test_the_check_still_comes_first(self):
        self.client.logout()
        response = self.client.get(self.source.document_url)
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response
