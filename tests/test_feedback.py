"""Readers report errors in stories and send tips; editors read them and mark them handled."""

import time
from datetime import timedelta
from io import StringIO

from cryptography.fernet import Fernet
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail, signing
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from feedback import limits, notify
from feedback.models import ErrorReport, Tip
from stories import changes
from stories.models import Story
from tests.helpers.accounts import make_user
from tests.helpers.factories import hidden_stories, make_public_story


def signed(seconds_ago=60, **values):
    """A form token as the form page signs it, served ``seconds_ago``."""
    payload = {**values, "served": time.time() - seconds_ago}
    return signing.dumps(payload, salt=limits.SALT, compress=False)


def report_data(story, seconds_ago=60, **fields):
    token = signed(seconds_ago, story=story.pk, version=story.updated_at.isoformat())
    return {"text": "The vote was 52 to 48, not 48 to 52.", "token": token, **fields}


def tip_data(seconds_ago=60, **fields):
    return {"message": "Look at the county's road contracts.", "token": signed(seconds_ago)} | (
        fields
    )


class ReportingAnError(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(headline="The council votes on the budget")
        cls.url = reverse("feedback:report", args=[cls.story.pk])

    def test_every_public_story_links_to_its_report_form(self):
        page = self.client.get(self.story.get_absolute_url()).text
        assert f'href="{self.url}"' in page
        assert "Report an error in this story" in page

    def test_the_form_page_is_private_and_carries_a_csrf_token(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "X-Page-Cache" not in response
        assert 'name="csrfmiddlewaretoken"' in response.text
        assert self.story.headline in response.text
        assert "We do not store your IP address" in response.text
        # A second reader gets a page of their own, not a copy.
        assert self.client.get(self.url)["Cache-Control"] == "private, no-store"

    def test_a_report_is_stored_with_the_version_the_reader_saw_then_redirects(self):
        seen = self.story.updated_at
        data = report_data(self.story, name="Ana Ruiz", email="ana@example.org")
        response = self.client.post(self.url, data)
        assert response.status_code == 302
        assert response["Location"] == reverse("feedback:report-thanks")
        report = ErrorReport.objects.get()
        assert (report.story, report.story_version, report.text) == (
            self.story,
            seen,
            data["text"],
        )
        assert (report.name, report.email, report.handled_at) == (
            "Ana Ruiz",
            "ana@example.org",
            None,
        )
        assert not report.story_changed_since
        thanks = self.client.get(response["Location"])
        assert thanks.status_code == 200 and "Your report has reached our editors" in thanks.text

        Story.objects.filter(pk=self.story.pk).update(updated_at=seen + timedelta(minutes=5))
        assert ErrorReport.objects.get().story_changed_since

    def test_a_report_is_neither_a_story_change_nor_a_webhook(self):
        records = []
        changes.listener(records.append)
        self.addCleanup(changes._listeners.remove, records.append)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, report_data(self.story))
        assert ErrorReport.objects.count() == 1
        assert records == []

    def test_unknown_and_hidden_stories_have_no_form(self):
        for story in hidden_stories().values():
            with self.subTest(status=story.status):
                url = reverse("feedback:report", args=[story.pk])
                assert self.client.get(url).status_code == 404
                assert self.client.post(url, report_data(story)).status_code == 404
        assert self.client.get("/report-an-error/999999/").status_code == 404
        assert self.client.get("/report-an-error/99999999999999999999999/").status_code == 404
        assert ErrorReport.objects.count() == 0

    def test_errors_come_back_with_the_text_kept_and_linked_to_their_fields(self):
        response = self.client.post(self.url, report_data(self.story, text="", email="not-mail"))
        assert response.status_code == 200
        page = response.text
        assert "Your message was not sent" in page
        assert 'href="#id_text"' in page and 'href="#id_email"' in page
        assert 'aria-describedby="id_text_helptext id_text_error"' in page
        assert 'id="id_email_error"' in page and 'value="not-mail"' in page
        assert ErrorReport.objects.count() == 0

    def test_huge_text_is_refused_with_a_form_error_and_kept(self):
        text = "x" * 100_000
        response = self.client.post(self.url, report_data(self.story, text=text))
        assert response.status_code == 200
        assert "at most 5000 characters" in response.text
        assert text in response.text
        assert ErrorReport.objects.count() == 0

    def test_a_token_that_is_forged_missing_or_for_another_story_is_refused(self):
        other = make_public_story(headline="Another story")
        for token in [
            "",
            "nonsense",
            signing.dumps({"served": 0}, salt="another.salt"),
            signed(story=other.pk, version=other.updated_at.isoformat()),
            signed(story=self.story.pk, version="not a time"),
            signed(story=self.story.pk),
            signed(seconds_ago=3 * 24 * 3600, story=self.story.pk, version="2026-01-01T00:00"),
        ]:
            with self.subTest(token=token):
                response = self.client.post(self.url, report_data(self.story, token=token))
                assert response.status_code == 200
                assert "sent too quickly, or too long after it was opened" in response.text
        assert ErrorReport.objects.count() == 0

    def test_a_form_sent_back_too_quickly_is_refused(self):
        response = self.client.post(self.url, report_data(self.story, seconds_ago=0))
        assert "sent too quickly" in response.text
        assert ErrorReport.objects.count() == 0
        # The form served with the error carries a new token: sent later, it is accepted.
        with override_settings(FEEDBACK_MIN_SECONDS=0):
            token = response.context["token"]
            assert self.client.post(self.url, report_data(self.story) | {"token": token})
        assert ErrorReport.objects.count() == 1

    def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(self):
        with override_settings(FEEDBACK_DESK_EMAIL=["desk@example.org"]):
            response = self.client.post(
                self.url, report_data(self.story, website="http://spam.example")
            )
        assert response.status_code == 302
        assert ErrorReport.objects.count() == 0
        assert mail.outbox == []

    def test_the_honeypot_is_out_of_sight(self):
        page = self.client.get(self.url).text
        assert '<div class="field feedback-trap">' in page
        css = open("static/css/site.css").read().split("Readers' feedback forms")[1]  # noqa: SIM115
        assert ".feedback-trap {\n  display: none;" in css

    def test_odd_input_is_a_form_error_or_a_400_never_a_500(self):
        good = report_data(self.story)
        for data in [
            {**good, "text": ["one", "two"], "token": [good["token"], "x"]},
            {**good, "text": "\x00 nul", "email": "a@" + "b" * 300 + ".example"},
            {**good, "token": "x" * 10_000},
            {**good, "name": "n" * 1000},
        ]:
            assert self.client.post(self.url, data).status_code == 200
        too_big = self.client.post(
            self.url, "text=" + "x" * 3_000_000, content_type="application/x-www-form-urlencoded"
        )
        assert too_big.status_code == 400
        assert self.client.get(self.url, {"token": "x", "text": "y"}).status_code == 200
        assert ErrorReport.objects.count() == 0

    def test_only_get_head_and_post_are_answered(self):
        assert self.client.put(self.url).status_code == 405
        assert self.client.head(self.url).status_code == 200


class SendingATip(TestCase):
    url = "/tips/"

    def test_the_form_page_with_its_csrf_token_is_not_compressed(self):
        # Compressed secrets leak through sizes (BREACH); public pages are compressed.
        response = self.client.get(self.url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response
        assert self.client.get("/", headers={"accept-encoding": "gzip"})["Content-Encoding"] == (
            "gzip"
        )

    def test_every_page_links_to_the_tip_form_and_it_to_the_secure_ways(self):
        assert 'href="/tips/"' in self.client.get("/").text
        page = self.client.get(self.url)
        assert page["Cache-Control"] == "private, no-store"
        assert 'href="/contact-securely/"' in page.text
        assert "We do not store your IP address" in page.text
        secure = self.client.get("/contact-securely/")
        assert secure.status_code == 200 and "Signal" in secure.text

    def test_a_tip_is_stored_encrypted_and_redirects(self):
        data = tip_data(contact="signal: @reader.01")
        response = self.client.post(self.url, data)
        assert response["Location"] == reverse("feedback:tip-thanks")
        tip = Tip.objects.get()
        assert (tip.message, tip.contact) == (data["message"], "signal: @reader.01")
        with connection.cursor() as cursor:
            cursor.execute("SELECT message, contact FROM feedback_tip")
            stored = " ".join(cursor.fetchone())
        assert "road contracts" not in stored and "reader.01" not in stored

    def test_tips_are_encrypted_again_when_the_keys_rotate(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with override_settings(SOURCE_ENCRYPTION_KEYS=[old]):
            Tip.objects.create(message="Old secret", contact="old contact")
        with override_settings(SOURCE_ENCRYPTION_KEYS=[new, old]):
            call_command("rotate_source_keys", stdout=StringIO())
        with override_settings(SOURCE_ENCRYPTION_KEYS=[new]):
            tip = Tip.objects.get()
            assert (tip.message, tip.contact) == ("Old secret", "old contact")

    def test_the_address_of_the_sender_is_stored_nowhere(self):
        self.client.post(self.url, tip_data(), REMOTE_ADDR="203.0.113.77")
        assert Tip.objects.count() == 1
        row = Tip.objects.values().get()
        assert "203.0.113.77" not in repr(row)
        cache = caches["default"]
        keys = list(getattr(cache, "_cache", {}))
        assert keys, "the count is in the local memory cache"
        assert not any("203.0.113" in key for key in keys)

    @override_settings(FEEDBACK_RATE_LIMIT=2)
    def test_an_address_may_send_a_few_an_hour(self):
        for _ in range(2):
            assert self.client.post(self.url, tip_data()).status_code == 302
        refused = self.client.post(self.url, tip_data(message="A third one, kept on screen."))
        assert refused.status_code == 429
        assert "Please try again later" in refused.text
        assert "A third one, kept on screen." in refused.text
        assert Tip.objects.count() == 2
        # Another address is counted apart.
        other = self.client.post(self.url, tip_data(), REMOTE_ADDR="198.51.100.9")
        assert other.status_code == 302

    @override_settings(FEEDBACK_RATE_LIMIT=1)
    def test_the_count_starts_again_each_hour(self):
        request = RequestFactory().post(self.url, REMOTE_ADDR="192.0.2.1")
        hour = (time.time() // 3600) * 3600
        assert limits.spend(request, "tip", now=hour + 10)
        assert not limits.spend(request, "tip", now=hour + 20)
        assert limits.spend(request, "tip", now=hour + 3600 + 10)

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        refused = client.post(self.url, tip_data(message="Look at <b>the contracts</b>."))
        assert refused.status_code == 403
        assert Tip.objects.count() == 0
        # The reader is told, on a page of the site, that nothing was sent and how to send it
        # again; the page repeats nothing of what was posted and is never stored.
        assert "Your form was not sent" in refused.text
        assert "blocks cookies" in refused.text
        assert "contracts" not in refused.text
        assert "no-store" in refused["Cache-Control"]
        page = client.get(self.url)
        stale = client.post(self.url, tip_data(csrfmiddlewaretoken="x" * 64))
        assert stale.status_code == 403 and "did not match" in stale.text
        token = page.context["csrf_token"]
        assert client.post(self.url, tip_data(csrfmiddlewaretoken=str(token))).status_code == 302
        assert Tip.objects.count() == 1

    def test_huge_and_empty_tips_are_form_errors(self):
        for message in ["", "   ", "y" * 20_000]:
            response = self.client.post(self.url, tip_data(message=message))
            assert response.status_code == 200
            assert 'href="#id_message"' in response.text
        assert self.client.post(self.url, {}).status_code == 200
        assert Tip.objects.count() == 0


@override_settings(FEEDBACK_DESK_EMAIL=["desk@example.org"], SITE_URL="https://news.example")
class TellingTheDesk(TestCase):
    def test_a_tip_is_announced_without_its_content(self):
        self.client.post("/tips/", tip_data(contact="call 555 0100"))
        [message] = mail.outbox
        tip = Tip.objects.get()
        assert message.to == ["desk@example.org"]
        assert message.subject == "New tip from a reader"
        assert f"https://news.example/admin/feedback/tip/{tip.pk}/change/" in message.body
        assert "road contracts" not in message.body and "555" not in message.body

    def test_the_desk_is_told_only_once_the_message_is_committed(self):
        with transaction.atomic():
            tip = Tip.objects.create(message="Kept")
            notify.tell_the_desk(tip)
            assert mail.outbox == []
        assert len(mail.outbox) == 1
        with self.assertRaises(RuntimeError), transaction.atomic():
            notify.tell_the_desk(Tip.objects.create(message="Rolled back"))
            raise RuntimeError
        assert len(mail.outbox) == 1

    def test_a_report_names_its_story_but_not_what_it_says(self):
        story = make_public_story(headline="Budget passes")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("feedback:report", args=[story.pk]), report_data(story))
        [message] = mail.outbox
        assert "“Budget passes”" in message.body and "52 to 48" not in message.body

    @override_settings(FEEDBACK_DESK_EMAIL=[])
    def test_without_a_desk_address_nobody_is_mailed(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/tips/", tip_data())
        assert Tip.objects.count() == 1 and mail.outbox == []


class HandlingFeedback(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.story = make_public_story(headline="Budget passes")
        cls.report = ErrorReport.objects.create(
            story=cls.story, story_version=cls.story.updated_at, text="Wrong vote count"
        )
        cls.tip = Tip.objects.create(message="The mayor's brother", contact="by post")
        cls.users = {
            role: make_user(role) for role in ["staff", "reporter", "editor", "superuser"]
        }

    def client_for(self, role):
        client = Client()
        client.force_login(self.users[role])
        return client

    def status(self, role, url):
        return self.client_for(role).get(url).status_code

    def test_who_may_read_what(self):
        reports = reverse("admin:feedback_errorreport_changelist")
        report = reverse("admin:feedback_errorreport_change", args=[self.report.pk])
        tips = reverse("admin:feedback_tip_changelist")
        tip = reverse("admin:feedback_tip_change", args=[self.tip.pk])
        expected = {
            # role: (reports, a report, tips, a tip)
            "staff": (403, 403, 403, 403),
            "reporter": (200, 200, 403, 403),
            "editor": (200, 200, 200, 200),
            "superuser": (200, 200, 200, 200),
        }
        for role, statuses in expected.items():
            with self.subTest(role=role):
                got = tuple(self.status(role, url) for url in (reports, report, tips, tip))
                assert got == statuses
        assert self.client.get(tips).status_code == 302  # readers are sent to sign in
        refused = self.client_for("reporter").get(tip)
        assert "This page is not open to you" in refused.text
        assert "no-store" in refused["Cache-Control"]
        assert "The mayor" not in refused.text
        editor_page = self.client_for("editor").get(tip).text
        assert "The mayor&#x27;s brother" in editor_page or "The mayor's brother" in editor_page

    def test_nobody_adds_feedback_in_the_admin(self):
        for model in ("errorreport", "tip"):
            url = reverse(f"admin:feedback_{model}_add")
            assert self.status("superuser", url) == 403

    def mark(self, role, model, item):
        return self.client_for(role).post(
            reverse(f"admin:feedback_{model}_changelist"),
            {"action": "mark_handled", ACTION_CHECKBOX_NAME: [item.pk]},
        )

    def test_editors_mark_reports_and_tips_handled_with_who_and_when(self):
        before = timezone.now()
        self.mark("editor", "errorreport", self.report)
        self.mark("editor", "tip", self.tip)
        for item in (self.report, self.tip):
            item.refresh_from_db()
            assert item.handled_by == self.users["editor"]
            assert item.handled_at >= before
        # Marking again keeps the first editor and time.
        first = self.tip.handled_at
        self.mark("superuser", "tip", self.tip)
        self.tip.refresh_from_db()
        assert (self.tip.handled_by, self.tip.handled_at) == (self.users["editor"], first)

    def test_reporters_cannot_mark_reports_handled(self):
        self.mark("reporter", "errorreport", self.report)
        self.mark("reporter", "tip", self.tip)
        assert ErrorReport.objects.unhandled().count() == Tip.objects.unhandled().count() == 1

    def test_the_desk_counts_what_waits_for_whoever_may_read_it(self):
        Tip.objects.create(message="Second")
        editor_desk = self.client_for("editor").get(reverse("admin:index")).text
        assert "1 error report</a>" in editor_desk and "2 tips</a>" in editor_desk
        reporter_desk = self.client_for("reporter").get(reverse("admin:index")).text
        assert "1 error report</a>" in reporter_desk and "tips</a>" not in reporter_desk
        Tip.objects.mark_handled(by=self.users["editor"])
        assert "0 tips</a>" in self.client_for("editor").get(reverse("admin:index")).text

    def test_handled_feedback_is_deleted_after_the_keeping_period(self):
        old = timezone.now() - timedelta(days=91)
        Tip.objects.filter(pk=self.tip.pk).update(handled_at=old)
        recent = Tip.objects.create(message="Handled yesterday")
        recent.mark_handled(by=self.users["editor"])
        waiting = Tip.objects.create(message="Not handled, old", received_at=old)
        out = StringIO()
        call_command("prune_feedback", stdout=out)
        assert set(Tip.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
        assert ErrorReport.objects.count() == 1
        assert "Deleted 1 tip." in out.getvalue()


class TheAccessLog:
    def atoms(self, path):
        from datetime import timedelta as duration
        from types import SimpleNamespace

        from gunicorn.config import Config

        from feedback.access_log import AccessLogger

        environ = {
            "REMOTE_ADDR": "203.0.113.5",
            "REQUEST_METHOD": "POST",
            "RAW_URI": path,
            "PATH_INFO": path,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        request = SimpleNamespace(headers=[("X-Forwarded-For", "203.0.113.5")])
        response = SimpleNamespace(status="302 Found", sent=0, headers=[])
        return AccessLogger(Config()).atoms(response, request, environ, duration(seconds=1))


class AccessLogTests(TheAccessLog, TestCase):
    def test_the_forms_are_logged_without_the_readers_address(self):
        for path in [reverse("feedback:tip"), reverse("feedback:report", args=[1])]:
            atoms = self.atoms(path)
            assert atoms["h"] == "-" and atoms["{x-forwarded-for}i"] == "-"
        assert self.atoms("/")["h"] == "203.0.113.5"

    def test_gunicorn_uses_that_logger(self):
        from tests.test_production_settings import gunicorn_settings

        assert gunicorn_settings()["logger_class"] == "feedback.access_log.AccessLogger"
