"""Which events a committed transaction makes, from its change record (``stories.changes``).

For each story the record names, what readers could see before (``public_before``, or for a
story changed without being saved, the same as now) and what they see now decide:

- not public before, public now: published — or embargo lifted, when an editor lifted it;
- public before, not public now: unpublished — or retracted (its address then holds the
  notice), or deleted;
- public before and now: corrected, or updated (a significant update), as the workflow says;
- published for a time still to come (scheduled, or under embargo): published, due then;
- a live update saved published: live update published, when readers may see it, once.

Deliveries are created here and sent by tasks once this transaction has committed.
"""

from django.db import transaction
from django.utils import timezone

from live.changes import LIVE_UPDATE
from live.models import LiveUpdate
from stories.models import Story

from .delivery import schedule
from .models import Delivery, Endpoint, Event


def story_events(record):
    """Create and enqueue the deliveries of the events in ``record`` (a change listener)."""
    now = timezone.now()
    stories = record.stories | set(record.actions)
    if not stories or not Endpoint.objects.using(record.using).filter(is_active=True).exists():
        return
    public = set(
        Story.objects.using(record.using)
        .public(now)
        .filter(pk__in=stories)
        .values_list("pk", flat=True)
    )
    events = []  # (event, story id, due, url)
    for pk in sorted(stories):
        was_public = (
            record.public_before[pk] is not None if pk in record.public_before else pk in public
        )
        actions = record.actions.get(pk, set())
        if pk in record.removed:
            events.append((Event.DELETED, pk, now, record.removed[pk]))
        elif pk in public and not was_public:
            lifted = "embargo_lifted" in actions
            events.append((Event.EMBARGO_LIFTED if lifted else Event.PUBLISHED, pk, now, ""))
        elif was_public and pk not in public:
            gone = Event.RETRACTED if "retracted" in actions else Event.UNPUBLISHED
            events.append((gone, pk, now, _address(pk, record.using)))
        elif pk in public:
            if "corrected" in actions:
                events.append((Event.CORRECTED, pk, now, ""))
            if "updated" in actions:
                events.append((Event.UPDATED, pk, now, ""))
        if pk not in record.removed:
            events += _live_updates(pk, actions, now, record.using)
    if record.public_before:
        for pk, due in _coming(set(record.public_before) - public, now, record.using):
            events.append((Event.PUBLISHED, pk, due, ""))
    if events:
        _create_deliveries(events, record.using)


def _live_updates(story_pk, actions, now, using):
    """Updates of the story saved published: announced when readers may see them, now or
    at their time, each once (``_create_deliveries``)."""
    ids = [int(a.removeprefix(LIVE_UPDATE)) for a in actions if a.startswith(LIVE_UPDATE)]
    for update in LiveUpdate.objects.using(using).filter(pk__in=ids):
        due = max(filter(None, [update.published_at, update.embargo_until, now]))
        visible = LiveUpdate.objects.using(using).public(due).filter(pk=update.pk)
        if visible.exists():
            yield (Event.LIVE_UPDATE_PUBLISHED, story_pk, due, "", update.pk)


def _address(pk, using):
    story = Story.objects.using(using).filter(pk=pk).only("slug", "published_at", "created_at")
    story = story.first()
    return story.get_absolute_url() if story else ""


def _coming(pks, now, using):
    """Stories saved published for later, with when they become public.

    The time is worked out here; the rule (``Story.objects.public``) decides, both now, for
    that time, and again when the delivery runs, so a wrong guess can only delay an event.
    """
    waiting = (
        Story.objects.using(using)
        .filter(pk__in=pks, status=Story.Status.PUBLISHED)
        .values_list("pk", "published_at", "embargo_until")
    )
    for pk, published_at, embargo_until in waiting:
        due = max(filter(None, [published_at, embargo_until]))
        if due > now and Story.objects.using(using).public(due).filter(pk=pk).exists():
            yield pk, due


def _create_deliveries(events, using):
    deliveries = []
    for endpoint in Endpoint.objects.using(using).filter(is_active=True):
        for event, pk, due, url, *update in events:
            update = update[0] if update else None
            if event not in endpoint.events:
                continue
            if update is not None:
                # An update is announced once, however often it is saved again.
                sent = Delivery.objects.using(using).filter(
                    endpoint=endpoint, event=event, live_update_id=update
                )
                if sent.exclude(status=Delivery.Status.CANCELLED).exists():
                    continue
            if event == Event.PUBLISHED and due > timezone.now():
                # Saving a scheduled story again does not announce it twice.
                waiting = Delivery.objects.using(using).filter(
                    endpoint=endpoint, story_id=pk, event=event, due_at=due
                )
                if waiting.filter(status=Delivery.Status.PENDING).exists():
                    continue
            deliveries.append(
                Delivery(
                    endpoint=endpoint,
                    event=event,
                    story_id=pk,
                    story_url=url,
                    due_at=due,
                    live_update_id=update,
                )
            )
    if not deliveries:
        return
    with transaction.atomic(using=using):
        for delivery in deliveries:
            delivery.save(using=using)
    for delivery in deliveries:
        schedule(delivery)
