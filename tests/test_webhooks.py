"""Webhooks, sent to a real HTTP receiver: signed, retried, in order, never unpublished work.

Tasks are stored by the database backend and run by django-tasks-db's worker loop in this
process (``run_queued_tasks``), so retries and scheduled deliveries go through the queue.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from live.models import LiveUpdate
from stories import workflow
from stories.models import Correction
from tests.helpers.accounts import make_user
from tests.helpers.factories import cite, hidden_stories, make_source, make_story
from tests.helpers.live import add_update, make_live_story
from tests.helpers.receiver import Receiver
from tests.helpers.tasks import DATABASE, run_queued_tasks
from webhooks import signing
from webhooks.delivery import deliver
from webhooks.models import Delivery, Endpoint, Event

SYSTEM = {"by": workflow.SYSTEM, "note": "test"}


@override_settings(TASKS=DATABASE, WEBHOOK_RETRY_DELAY=0, WEBHOOK_DISABLE_AFTER=3)
class WebhookTests(TestCase):
    def setUp(self):
        self.receiver = self.enterContext(Receiver())
        self.endpoint = Endpoint.objects.create(
            name="Partner", url=self.receiver.url, events=list(Event.values)
        )

    def events(self):
        return [json.loads(r.body)["type"] for r in self.receiver.delivered]

    def publish(self, story=None, **options):
        story = story or make_story(headline="Commissioner resigns")
        workflow.publish(story, **SYSTEM, **options)
        return story

    def test_a_published_story_is_sent_with_its_api_representation_and_a_valid_signature(self):
        story = self.publish()
        run_queued_tasks()

        [received] = self.receiver.delivered
        payload = json.loads(received.body)
        assert payload["type"] == "story.published"
        assert payload["story"]["id"] == story.pk
        assert payload["story"]["headline"] == "Commissioner resigns"
        assert received.headers["Content-Type"] == "application/json"
        assert received.headers["Newsroom-Event"] == "story.published"
        # The signature, checked as a receiver would, without the newsroom's code.
        fields = dict(part.split("=", 1) for part in received.headers[signing.HEADER].split(","))
        expected = hmac.new(
            self.endpoint.secret.encode(),
            fields["t"].encode() + b"." + received.body,
            hashlib.sha256,
        ).hexdigest()
        assert hmac.compare_digest(fields["v1"], expected)
        assert abs(int(fields["t"]) - time.time()) < 60
        assert signing.verify(
            self.endpoint.secret, received.body, received.headers["Newsroom-Signature"]
        )
        assert not signing.verify(
            "another secret", received.body, received.headers["Newsroom-Signature"]
        )
        assert not signing.verify(
            self.endpoint.secret, received.body + b" ", received.headers["Newsroom-Signature"]
        )

    def test_an_old_signature_is_refused_so_a_captured_request_cannot_be_replayed(self):
        body = b'{"id":1}'
        old = signing.header("s", body, timestamp=int(time.time()) - signing.TOLERANCE - 1)
        assert not signing.verify("s", body, old)
        assert signing.verify("s", body, signing.header("s", body))

    def test_a_delivery_refused_with_500_is_retried_and_logged(self):
        self.receiver.answers = [500]
        self.publish()
        run_queued_tasks()

        assert [r.answered for r in self.receiver.received] == [500, 200]
        first, second = self.receiver.received
        assert first.body == second.body
        assert first.headers["Newsroom-Delivery"] == second.headers["Newsroom-Delivery"]
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_code) == (
            Delivery.Status.DELIVERED,
            2,
            200,
        )
        assert delivery.duration_ms is not None
        self.endpoint.refresh_from_db()
        assert self.endpoint.consecutive_failures == 0

    def test_retries_back_off_exponentially(self):
        self.receiver.answers = [500]
        from django_tasks_db.models import DBTaskResult

        with override_settings(WEBHOOK_RETRY_DELAY=30):
            self.publish()
            before = timezone.now()
            run_queued_tasks()
            retry = DBTaskResult.objects.filter(status="READY").get()
        assert timedelta(seconds=29) < retry.run_after - before < timedelta(seconds=32)

    def test_events_about_one_story_arrive_in_the_order_they_happened(self):
        self.receiver.answers = [500, 500]  # the first event needs three attempts
        story = self.publish()
        workflow.add_correction(story, kind=Correction.Kind.CORRECTION, text="A name.", **SYSTEM)
        story.refresh_from_db()
        story.last_significant_update = timezone.now()
        workflow.save_story(story, **SYSTEM)
        run_queued_tasks()

        assert self.events() == ["story.published", "story.corrected", "story.updated"]
        assert [json.loads(r.body)["type"] for r in self.receiver.received[:2]] == [
            "story.published"
        ] * 2

    def test_an_event_about_a_story_unpublished_before_it_went_out_is_not_sent(self):
        story = self.publish()
        workflow.add_correction(story, kind=Correction.Kind.CORRECTION, text="A name.", **SYSTEM)
        workflow.unpublish(story, **SYSTEM)
        run_queued_tasks()

        # Its content is not sent once readers may not see it; the removal is.
        assert self.events() == ["story.unpublished"]
        assert set(Delivery.objects.values_list("event", "status")) == {
            (Event.PUBLISHED, Delivery.Status.CANCELLED),
            (Event.CORRECTED, Delivery.Status.CANCELLED),
            (Event.UNPUBLISHED, Delivery.Status.DELIVERED),
        }

    def test_a_correction_added_or_edited_in_the_corrections_admin_is_announced(self):
        story = self.publish()
        correction = Correction(story=story, kind=Correction.Kind.CORRECTION, text="A date.")
        workflow.save_correction(correction, **SYSTEM)
        correction.text = "A date, and a name."
        workflow.save_correction(correction, **SYSTEM)
        run_queued_tasks()
        assert self.events() == ["story.published", "story.corrected", "story.corrected"]

    def test_a_removal_names_the_story_and_its_address_only(self):
        story = self.publish()
        run_queued_tasks()
        address = story.get_absolute_url()
        pk = story.pk
        story.delete()
        run_queued_tasks()

        assert self.events() == ["story.published", "story.deleted"]
        removal = json.loads(self.receiver.delivered[1].body)
        assert removal["story"] == {"id": pk, "url": address}

    def test_a_significant_update_and_a_correction_are_their_own_events(self):
        story = self.publish()
        story.refresh_from_db()
        story.last_significant_update = timezone.now()
        workflow.save_story(story, **SYSTEM)
        story.refresh_from_db()
        story.body = story.body + "<p>A typo fixed.</p>"
        workflow.save_story(story, **SYSTEM)  # not significant: no event
        run_queued_tasks()

        assert self.events() == ["story.published", "story.updated"]

    def test_nothing_unpublished_scheduled_or_embargoed_is_ever_sent(self):
        draft = make_story(headline="DRAFT CANARY")
        workflow.submit(draft, **SYSTEM)
        draft.refresh_from_db()
        draft.headline = "STILL A DRAFT CANARY"
        workflow.save_story(draft, **SYSTEM)
        embargoed = make_story(
            headline="EMBARGO CANARY", embargo_until=timezone.now() + timedelta(days=1)
        )
        self.publish(embargoed)
        self.publish(
            make_story(headline="SCHEDULED CANARY"), at=timezone.now() + timedelta(days=1)
        )
        run_queued_tasks()

        assert self.receiver.received == []
        assert not Delivery.objects.exclude(due_at__gt=timezone.now()).exists()

    def test_no_hidden_story_and_no_confidential_source_reaches_a_receiver(self):
        for story in hidden_stories("HOOKCANARY").values():
            story.refresh_from_db()
            story.dek = "HOOKCANARY edited"
            workflow.save_story(story, **SYSTEM)
        story = make_story(headline="Public")
        cite(
            story,
            make_source(name="HOOKCANARY Jane Roe", contact_details="HOOKCANARY +1 555"),
            is_anonymous=True,
            public_description="a person familiar with the agreement",
        )
        self.publish(story)
        workflow.add_correction(story, kind=Correction.Kind.CORRECTION, text="A date.", **SYSTEM)
        run_queued_tasks()

        assert self.events() == ["story.published", "story.corrected"]
        for received in self.receiver.received:
            assert b"HOOKCANARY" not in received.body
        assert b"a person familiar with the agreement" in self.receiver.delivered[0].body

    def test_the_endpoint_list_says_why_an_endpoint_was_disabled(self):
        self.receiver.answers = [500] * 3
        self.publish()
        run_queued_tasks()
        self.client.force_login(make_user("editor"))
        listing = self.client.get(reverse("admin:webhooks_endpoint_changelist")).text
        assert "after 3 failed attempts in a row; the last: The receiver answered 500" in listing

    def test_lifting_an_embargo_is_announced_with_the_story(self):
        story = make_story(embargo_until=timezone.now() + timedelta(days=1))
        self.publish(story)
        workflow.lift_embargo(story, **SYSTEM)
        run_queued_tasks()

        assert self.events() == ["story.embargo_lifted"]
        # The delivery waiting for the embargo's end finds the receiver told already.
        waiting = Delivery.objects.get(event=Event.PUBLISHED)
        assert waiting.due_at > timezone.now()

    def test_a_scheduled_story_is_announced_at_its_publish_time_not_at_save_time(self):
        story = self.publish(at=timezone.now() + timedelta(seconds=1.5))
        run_queued_tasks()
        assert self.receiver.received == []

        time.sleep(1.6)
        run_queued_tasks()
        assert self.events() == ["story.published"]
        assert json.loads(self.receiver.delivered[0].body)["story"]["id"] == story.pk

    def test_a_story_unscheduled_before_its_time_is_never_announced(self):
        story = self.publish(at=timezone.now() + timedelta(seconds=1.5))
        workflow.unpublish(story, **SYSTEM)
        time.sleep(1.6)
        run_queued_tasks()

        assert self.receiver.received == []
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.CANCELLED
        assert "Readers may not see the story now" in delivery.error

    def test_an_endpoint_failing_again_and_again_is_disabled_with_the_reason(self):
        self.receiver.answers = [500] * 10
        self.publish()
        run_queued_tasks()

        assert len(self.receiver.received) == 3
        self.endpoint.refresh_from_db()
        assert not self.endpoint.is_active
        assert "after 3 failed attempts in a row" in self.endpoint.disabled_reason
        assert "500" in self.endpoint.disabled_reason
        assert Delivery.objects.get().status == Delivery.Status.FAILED

        self.publish()  # nothing more is sent to a disabled endpoint
        run_queued_tasks()
        assert len(self.receiver.received) == 3

    def test_an_endpoint_that_is_down_is_logged_without_a_response_code(self):
        self.endpoint.url = "http://127.0.0.1:9/"  # discard: nothing listens
        self.endpoint.save()
        with override_settings(WEBHOOK_DISABLE_AFTER=1):
            self.publish()
            run_queued_tasks()
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILED
        assert delivery.response_code is None
        assert delivery.error.startswith("No answer:")

    def test_an_address_on_this_machine_is_refused_unless_settings_allow_it(self):
        with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False, WEBHOOK_DISABLE_AFTER=1):
            self.publish()
            run_queued_tasks()
        assert self.receiver.received == []
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILED
        assert "127.0.0.1 is a private or local address" in delivery.error

    def test_an_endpoint_only_gets_the_events_it_subscribed_to(self):
        self.endpoint.events = [Event.UNPUBLISHED]
        self.endpoint.save()
        story = self.publish()
        workflow.unpublish(story, **SYSTEM)
        run_queued_tasks()
        assert self.events() == ["story.unpublished"]

    def test_a_retracted_story_is_announced_as_retracted_with_the_address_of_its_notice(self):
        story = self.publish()
        run_queued_tasks()
        workflow.retract(story, text="It rested on a forged memo.", **SYSTEM)
        run_queued_tasks()
        assert self.events() == ["story.published", "story.retracted"]
        body = json.loads(self.receiver.delivered[-1].body)
        assert body["story"]["url"].endswith(story.get_absolute_url())
        assert "Commissioner resigns" not in self.receiver.delivered[-1].body.decode()

    def test_a_live_update_is_announced_once_when_readers_may_see_it(self):
        story = self.publish()
        make_live_story(story)
        run_queued_tasks()
        update = add_update(story, headline="Treasury responds")
        update.headline = "Treasury responds, again"
        update.save()  # an edit announces nothing more
        add_update(story, status=LiveUpdate.Status.DRAFT, headline="Zqxdraft")
        run_queued_tasks()
        assert self.events() == ["story.published", "story.live_update_published"]
        payload = json.loads(self.receiver.delivered[-1].body)
        assert payload["live_update_id"] == update.pk
        headlines = [u["headline"] for u in payload["story"]["live"]["updates"]]
        assert headlines == ["Treasury responds, again"]
        assert b"Zqxdraft" not in self.receiver.delivered[-1].body

    def test_a_scheduled_live_update_is_due_at_its_time_and_checked_again_then(self):
        story = self.publish()
        make_live_story(story)
        later = timezone.now() + timedelta(hours=2)
        update = add_update(story, published_at=later)
        delivery = Delivery.objects.get(event=Event.LIVE_UPDATE_PUBLISHED)
        assert delivery.due_at == later and delivery.live_update_id == update.pk
        update.status = LiveUpdate.Status.DRAFT  # withdrawn before its time
        update.save()
        deliver.call(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.CANCELLED
        assert "live update" in delivery.error


class EndpointAdminTests(TestCase):
    def test_only_http_and_https_addresses_are_accepted(self):
        for url in [
            "ftp://example.org/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "example.org",
        ]:
            with self.subTest(url=url), self.assertRaises(ValidationError):
                Endpoint(name="x", url=url, events=[Event.PUBLISHED]).full_clean()
        Endpoint(name="x", url="https://example.org/hook", events=[Event.PUBLISHED]).full_clean()

    def test_editors_register_endpoints_and_reporters_cannot(self):
        editor, reporter = make_user("editor"), make_user("reporter")
        add = reverse("admin:webhooks_endpoint_add")
        data = {
            "name": "Apple News",
            "url": "https://example.org/hook",
            "secret": "whsec_x",
            "events": [Event.PUBLISHED, Event.CORRECTED],
            "is_active": "on",
        }
        self.client.force_login(reporter)
        assert self.client.post(add, data).status_code == 403
        self.client.force_login(editor)
        assert self.client.post(add, {**data, "url": "ftp://example.org"}).status_code == 200
        assert self.client.post(add, data).status_code == 302
        endpoint = Endpoint.objects.get()
        assert endpoint.events == [Event.PUBLISHED, Event.CORRECTED]
        assert endpoint.created_by == editor
        log = self.client.get(reverse("admin:webhooks_delivery_changelist"))
        assert log.status_code == 200

    def test_a_new_endpoint_gets_a_secret_of_its_own(self):
        first = Endpoint.objects.create(name="a", url="https://a.example", events=[])
        second = Endpoint.objects.create(name="b", url="https://b.example", events=[])
        assert first.secret.startswith("whsec_") and first.secret != second.secret
        assert len(first.secret) > 40
