"""Sending one delivery: checked, signed, posted, logged, retried with back-off."""

import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from api import representation
from live.models import LiveUpdate
from stories.models import Story

from . import signing
from .models import REMOVALS, Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# Seconds waited for a receiver's answer.
TIMEOUT = 10
# Attempts of one delivery before it is given up: then after 1 min, 2, 4, 8... (with the
# default WEBHOOK_RETRY_DELAY), the last about 8.5 hours after the first.
ATTEMPTS = 10


def first_delay():
    return timedelta(seconds=settings.WEBHOOK_RETRY_DELAY)


def schedule(delivery, at=None):
    """Enqueue ``delivery`` for ``at`` (default: when it is due; now if that has passed)."""
    at = at or delivery.due_at
    if at <= timezone.now():
        deliver.enqueue(delivery.pk)
    elif deliver.get_backend().supports_defer:
        deliver.using(run_after=at).enqueue(delivery.pk)
    else:
        logger.warning(
            "Webhook delivery %s is due at %s, but tasks run at once here "
            "(TASKS_BACKEND=immediate): it waits until a worker runs it.",
            delivery.pk,
            at,
        )


@task()
def deliver(delivery_id: int) -> str | None:
    """Send one delivery if it is still to be sent; safe to run again (it is then skipped).

    What is sent is worked out now, from the story as it is: an event about a story readers
    may not see now (unpublished meanwhile, rescheduled, embargoed) is not sent at all.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        endpoint = delivery.endpoint
        reason = _reason_not_to_send(delivery)
        if reason:
            _finish(delivery, Delivery.Status.CANCELLED, error=reason)
            return delivery.status
        if _waits_for_earlier(delivery):
            # Events about one story reach an endpoint in the order they happened.
            transaction.on_commit(lambda: schedule(delivery, timezone.now() + first_delay()))
            return delivery.status
        body = _body(delivery)
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        # Marked as tried before the request: a worker killed while waiting for the answer
        # leaves a delivery that the next run sends again (receivers dedupe by its id).
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    code, error, duration = _post(endpoint, delivery, body)
    delivery.response_code, delivery.duration_ms = code, duration
    if code is not None and 200 <= code < 300:
        _finish(delivery, Delivery.Status.DELIVERED)
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return delivery.status
    disabled = _count_failure(endpoint, error)
    if not disabled and delivery.attempts < ATTEMPTS and deliver.get_backend().supports_defer:
        delivery.error = error
        delivery.save(update_fields=["response_code", "duration_ms", "error"])
        schedule(delivery, timezone.now() + first_delay() * 2 ** (delivery.attempts - 1))
        return delivery.status
    _finish(delivery, Delivery.Status.FAILED, error=error)
    return delivery.status


def _reason_not_to_send(delivery):
    if not delivery.endpoint.is_active:
        return "The endpoint was disabled before this could be sent."
    if delivery.event in REMOVALS:
        if Story.objects.public().filter(pk=delivery.story_id).exists():
            return "The story is public again."
        return ""
    if not Story.objects.public().filter(pk=delivery.story_id).exists():
        return "Readers may not see the story now (unpublished, rescheduled or embargoed)."
    update = delivery.live_update_id
    if update is not None and not LiveUpdate.objects.public().filter(pk=update).exists():
        return "Readers may not see the live update now (unpublished, rescheduled or embargoed)."
    if delivery.event == Event.PUBLISHED and _receiver_knows_it_is_public(delivery):
        return "The receiver was already told the story is published."
    return ""


def _receiver_knows_it_is_public(delivery):
    last = (
        Delivery.objects.filter(
            endpoint=delivery.endpoint,
            story_id=delivery.story_id,
            status=Delivery.Status.DELIVERED,
        )
        .exclude(pk=delivery.pk)
        .order_by("-last_attempt_at", "-pk")
        .values_list("event", flat=True)
        .first()
    )
    return last is not None and last not in REMOVALS


def _waits_for_earlier(delivery):
    if not deliver.get_backend().supports_defer:
        return False  # tasks run at once, in the order the events happened
    return (
        Delivery.objects.filter(
            endpoint=delivery.endpoint,
            story_id=delivery.story_id,
            status=Delivery.Status.PENDING,
            pk__lt=delivery.pk,
            due_at__lte=timezone.now(),
        )
        .exclude(pk=delivery.pk)
        .exists()
    )


def _body(delivery):
    if delivery.event in REMOVALS:
        origin = representation.default_origin()
        story = {"id": delivery.story_id, "url": origin.url(delivery.story_url)}
    else:
        story = representation.story(delivery.story_id)
    payload = {
        "id": delivery.pk,
        "type": delivery.event,
        "created_at": representation.iso(delivery.created_at),
        "story": story,
    }
    if delivery.live_update_id is not None:
        payload["live_update_id"] = delivery.live_update_id
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _post(endpoint, delivery, body):
    """POST ``body``; return the status code (None if no answer), an error and milliseconds."""
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.NEWSROOM_NAME} webhooks",
            "Newsroom-Event": delivery.event,
            "Newsroom-Delivery": str(delivery.pk),
            signing.HEADER: signing.header(endpoint.secret, body),
        },
    )
    started = time.perf_counter()
    try:
        _refuse_internal_addresses(endpoint.url)
        with _opener.open(request, timeout=TIMEOUT) as response:
            response.read(1024)
            code, error = response.status, ""
    except urllib.error.HTTPError as answer:
        code, error = answer.code, f"The receiver answered {answer.code} {answer.reason}."
    except (OSError, ValueError) as failure:
        code, error = None, f"No answer: {failure}"
    return code, error, round((time.perf_counter() - started) * 1000)


def _refuse_internal_addresses(url):
    """Refuse an address on this machine or its private network, unless settings allow it.

    An endpoint is typed by an editor; without this, a stolen editor account could make the
    server post to services only it can reach (a cloud metadata address, an admin port).
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for *_, address in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP):
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise ValueError(f"{parts.hostname} is a private or local address ({ip})")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A signed event goes to the registered address only.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _finish(delivery, status, error=""):
    delivery.status = status
    delivery.error = error
    delivery.save(update_fields=["status", "error", "response_code", "duration_ms"])


def _count_failure(endpoint, error) -> bool:
    """Count a failed attempt; disable the endpoint after too many in a row. True if it is."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    endpoint.refresh_from_db(fields=["consecutive_failures"])
    if endpoint.consecutive_failures < settings.WEBHOOK_DISABLE_AFTER:
        return False
    reason = (
        f"Disabled on {timezone.localtime():%Y-%m-%d %H:%M} after "
        f"{endpoint.consecutive_failures} failed attempts in a row; the last: {error}"
    )[:300]
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    logger.warning("Webhook endpoint %s disabled: %s", endpoint, reason)
    return True
