"""Who may do what in the admin, from the lowest role up, including forged requests."""

import itertools
from datetime import timedelta
from io import StringIO

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from fronts.models import Banner, Front, FrontVersion, Slot
from live import workflow as live_workflow
from live.models import LiveCoverage, LiveUpdate
from stories import workflow
from stories.models import (
    Correction,
    Image,
    Person,
    PreviewLink,
    Revision,
    Source,
    SourceAccess,
    Story,
)
from tests.helpers.accounts import ROLES, make_user, story_post_data
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_source,
    make_story,
)
from tests.helpers.live import add_update, make_live_story
from tests.helpers.pictures import make_image, picture_bytes, upload

Status = Story.Status


def admin_url(name, *args):
    return reverse(f"admin:stories_story_{name}", args=args)


def story_in(status, **fields):
    if status in (Status.PUBLISHED, Status.UNPUBLISHED):
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_story(status=status, **fields)


# Each case makes what it needs, acts as the client's user and says whether the act took
# effect. Refused acts must leave everything as it was, whatever the response.
def view_changelist(client):
    return client.get(reverse("admin:stories_story_changelist")).status_code == 200


def open_add_form(client):
    return client.get(reverse("admin:stories_story_add")).status_code == 200


def edit_draft(client):
    story = story_in(Status.DRAFT)
    client.post(admin_url("change", story.pk), story_post_data(story, headline="Edited"))
    return Story.objects.get(pk=story.pk).headline == "Edited"


def edit_published_story(client):
    story = make_public_story()
    client.post(admin_url("change", story.pk), story_post_data(story, headline="Edited"))
    return Story.objects.get(pk=story.pk).headline == "Edited"


def delete_draft(client):
    story = story_in(Status.DRAFT)
    client.post(admin_url("delete", story.pk), {"post": "yes"})
    return not Story.objects.filter(pk=story.pk).exists()


def delete_published_story(client):
    story = make_public_story()
    client.post(admin_url("delete", story.pk), {"post": "yes"})
    return not Story.objects.filter(pk=story.pk).exists()


def bulk_delete_published_story(client):
    story = make_public_story()
    client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [story.pk], "post": "yes"},
    )
    return not Story.objects.filter(pk=story.pk).exists()


def delete_story_never_shown(client):
    story = story_in(Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1))
    client.post(admin_url("delete", story.pk), {"post": "yes"})
    return not Story.objects.filter(pk=story.pk).exists()


def retract_published_story(client):
    story = make_public_story()
    client.post(
        admin_url("retract", story.pk), {"text": "It rested on a forged memo.", "confirm": "on"}
    )
    return Story.objects.get(pk=story.pk).status == Status.RETRACTED


def edit_retracted_story(client):
    story = make_public_story()
    workflow.retract(story, by=workflow.SYSTEM, text="Withdrawn.", note="test")
    client.post(admin_url("change", story.pk), story_post_data(story, headline="Edited"))
    return Story.objects.get(pk=story.pk).headline == "Edited"


def transition(name, start):
    def act(client):
        story = story_in(start)
        client.post(admin_url("transition", story.pk, name))
        return Story.objects.get(pk=story.pk).status != start

    act.__name__ = f"{name}_{start}"
    return act


def bulk_publish(client):
    story = story_in(Status.IN_REVIEW)
    client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "publish_stories", ACTION_CHECKBOX_NAME: [story.pk]},
    )
    return Story.objects.get(pk=story.pk).status == Status.PUBLISHED


def bulk_submit(client):
    story = story_in(Status.DRAFT)
    client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [story.pk]},
    )
    return Story.objects.get(pk=story.pk).status == Status.IN_REVIEW


def forge_status_in_form(client):
    story = story_in(Status.DRAFT)
    data = story_post_data(story, status=Status.PUBLISHED, published_at=timezone.now())
    client.post(admin_url("change", story.pk), data)
    return Story.objects.get(pk=story.pk).status == Status.PUBLISHED


def forge_publish_time_in_form(client):
    story = story_in(Status.DRAFT)
    when = timezone.now() + timedelta(days=3)
    client.post(admin_url("change", story.pk), story_post_data(story, published_at=when))
    return Story.objects.get(pk=story.pk).published_at is not None


def forge_status_when_adding(client):
    section = story_in(Status.DRAFT).section
    data = story_post_data(
        Story(headline="x", slug="forged-add", section=section, status=Status.PUBLISHED),
        base_revision=0,
        published_at=timezone.now() - timedelta(hours=1),
    )
    client.post(reverse("admin:stories_story_add"), data)
    added = Story.objects.filter(slug="forged-add").first()
    return added is not None and added.status == Status.PUBLISHED


def lift_embargo_in_form(client):
    story = story_in(Status.DRAFT, embargo_until=timezone.now() + timedelta(days=1))
    client.post(admin_url("change", story.pk), story_post_data(story, embargo_until=None))
    return Story.objects.get(pk=story.pk).embargo_until is None


def lift_embargo_button(client):
    story = story_in(Status.IN_REVIEW, embargo_until=timezone.now() + timedelta(days=1))
    client.post(admin_url("lift_embargo", story.pk))
    return Story.objects.get(pk=story.pk).embargo_until is None


def view_scheduled(client):
    return client.get(admin_url("scheduled")).status_code == 200


def preview_draft(client):
    story = story_in(Status.DRAFT, body="<p>Preview canary</p>")
    response = client.get(admin_url("preview", story.pk))
    return response.status_code == 200 and "Preview canary" in response.text


def create_preview_link(client):
    story = story_in(Status.DRAFT)
    client.post(admin_url("share", story.pk))
    return PreviewLink.objects.filter(story=story).exists()


def revoke_preview_link(client):
    link = PreviewLink.objects.create(story=story_in(Status.DRAFT))
    client.post(admin_url("revoke_preview", link.story_id, link.pk))
    link.refresh_from_db()
    return link.revoked_at is not None


def read_revisions(client):
    story = story_in(Status.DRAFT)
    Revision.record(story)
    return client.get(admin_url("revisions", story.pk)).status_code == 200


def restore_revision_of_draft(client):
    story = story_in(Status.DRAFT, headline="Old")
    old = Revision.record(story)
    Story.objects.filter(pk=story.pk).update(headline="New")
    client.post(admin_url("restore", story.pk, old.pk))
    return Story.objects.get(pk=story.pk).headline == "Old"


def add_correction(client):
    story = make_public_story()
    client.post(admin_url("correct", story.pk), {"kind": "correction", "text": "Fixed."})
    return Correction.objects.filter(story=story).exists()


def see_source_contacts(client):
    source = make_source(contact_details="+1 555 0100 secret line")
    page = client.get(reverse("admin:stories_source_change", args=[source.pk]))
    return "555 0100" in page.text


def forge_source_contacts(client):
    source = make_source(contact_details="old")
    client.post(
        reverse("admin:stories_source_change", args=[source.pk]),
        {"kind": source.kind, "name": source.name, "contact_details": "forged", "_save": "Save"},
    )
    return Source.objects.get(pk=source.pk).contact_details == "forged"


def search_sources_by_contact(client):
    make_source(name="Nobody", private_notes="meets at the diner")
    page = client.get(reverse("admin:stories_source_changelist"), {"q": "diner"})
    return "Nobody" in page.text


# Each case runs once for every role, so what a case looks for is unique to the run.
_runs = itertools.count(1)


def filter_sources_by_contacts(client):
    marker = f"secure-line-{next(_runs)}"
    make_source(contact_details=f"reached on the {marker}")
    url = reverse("admin:stories_source_changelist")
    hit = client.get(url, {"contact_details__icontains": marker})
    miss = client.get(url, {"contact_details__icontains": "zzzz"})
    return "1 source" in hit.text and "0 sources" in miss.text


def filter_sources_by_private_notes(client):
    marker = f"meets-{next(_runs)}"
    make_source(private_notes=f"{marker} at the diner")
    url = reverse("admin:stories_source_changelist")
    hit = client.get(url, {"private_notes__startswith": marker})
    miss = client.get(url, {"private_notes__startswith": "zzzz"})
    return "1 source" in hit.text and "0 sources" in miss.text


def filter_sources_with_contact_details(client):
    run = next(_runs)
    make_source(name=f"Reachable {run}", contact_details="reached on the secure line")
    make_source(name=f"Unreachable {run}")
    page = client.get(reverse("admin:stories_source_changelist"), {"has_contact_details": "1"})
    return f"Reachable {run}" in page.text and f"Unreachable {run}" not in page.text


def read_source_access_record(client):
    run = next(_runs)
    source = make_source(name=f"Seen source {run}", contact_details="the secure line")
    SourceAccess.record(source, make_user("editor", f"viewer-{run}"))
    page = client.get(reverse("admin:stories_sourceaccess_changelist"))
    return page.status_code == 200 and source.name in page.text


# A person, source or picture that a story shows, in each state the story can be in. A
# published story reaches readers now or by itself later, so it counts as soon as it is
# published.
def draft_story():
    return story_in(Status.DRAFT)


def scheduled_story():
    return story_in(Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1))


STORIES = {"draft": draft_story, "public": make_public_story, "scheduled": scheduled_story}


def shown_by(kind):
    def decorate(make_act):
        def act(client):
            return make_act(client, STORIES[kind]())

        act.__name__ = f"{make_act.__name__}_{kind}"
        return act

    return decorate


def person_post_data(person, **changes):
    fields = ["name", "slug", "title", "organization", "bio"]
    data = {name: getattr(person, name) for name in fields}
    return data | {"photo": person.photo_id or "", "_save": "Save"} | changes


def image_post_data(image, **changes):
    fields = ["alt_text", "caption", "credit", "usage_note", "focal_x", "focal_y"]
    return {name: getattr(image, name) for name in fields} | {"_save": "Save"} | changes


def rename_cited_source(client, story):
    source = make_source(name="Original name")
    cite(story, source)
    client.post(
        reverse("admin:stories_source_change", args=[source.pk]),
        {"kind": source.kind, "name": "Renamed", "_save": "Save"},
    )
    return Source.objects.get(pk=source.pk).name == "Renamed"


def edit_bio_of_bylined_person(client, story):
    person = add_byline(story).person
    url = reverse("admin:stories_person_change", args=[person.pk])
    client.post(url, person_post_data(person, bio="Edited bio"))
    return Person.objects.get(pk=person.pk).bio == "Edited bio"


def change_slug_of_person_in_story(client, story):
    person = make_person()
    story.people.add(person)
    url = reverse("admin:stories_person_change", args=[person.pk])
    slug = f"changed-slug-{next(_runs)}"
    client.post(url, person_post_data(person, slug=slug))
    return Person.objects.get(pk=person.pk).slug == slug


def edit_hero_image_caption(client, story):
    image = make_image(caption="Original")
    Story.objects.filter(pk=story.pk).update(hero_image=image)
    url = reverse("admin:stories_image_change", args=[image.pk])
    client.post(url, image_post_data(image, caption="Edited", alt_text="Edited alt"))
    image.refresh_from_db()
    return image.caption == "Edited" or image.alt_text == "Edited alt"


def replace_hero_image_file(client, story):
    image = make_image()
    Story.objects.filter(pk=story.pk).update(hero_image=image)
    new = upload(picture_bytes(size=(80, 60)), name="replacement.jpg")
    url = reverse("admin:stories_image_change", args=[image.pk])
    client.post(url, image_post_data(image, file=new))
    return Image.objects.get(pk=image.pk).width == 80


def edit_portrait_of_bylined_person(client, story):
    image = make_image(caption="Original")
    add_byline(story, make_person(photo=image))
    url = reverse("admin:stories_image_change", args=[image.pk])
    client.post(url, image_post_data(image, caption="Edited"))
    return Image.objects.get(pk=image.pk).caption == "Edited"


def add_person(client):
    data = person_post_data(Person(name="New person", slug="new-person-in-matrix"))
    client.post(reverse("admin:stories_person_add"), data)
    return Person.objects.filter(slug="new-person-in-matrix").exists()


def add_source(client):
    data = {"kind": Source.Kind.PERSON, "name": "New source in matrix", "_save": "Save"}
    client.post(reverse("admin:stories_source_add"), data)
    return Source.objects.filter(name="New source in matrix").exists()


def see_image_usage_note(client):
    image = make_image(usage_note="licence ends in June")
    page = client.get(reverse("admin:stories_image_change", args=[image.pk]))
    return "licence ends in June" in page.text


def forge_image_usage_note(client):
    image = make_image(usage_note="old")
    url = reverse("admin:stories_image_change", args=[image.pk])
    client.post(url, image_post_data(image, usage_note="forged"))
    return Image.objects.get(pk=image.pk).usage_note == "forged"


def filter_images_by_usage_note(client):
    marker = f"licence-{next(_runs)}"
    make_image(usage_note=f"{marker} ends in June")
    url = reverse("admin:stories_image_changelist")
    hit = client.get(url, {"usage_note__icontains": marker})
    miss = client.get(url, {"usage_note__icontains": "zzzz"})
    return "1 image" in hit.text and "0 images" in miss.text


def _update_form(story, **changes):
    data = {
        "story": story.pk,
        "headline": f"Filed {next(_runs)}",
        "body": "<p>Filed.</p>",
        "status": LiveUpdate.Status.SUBMITTED,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    return data | changes


def file_live_update(client):
    story = make_live_story()
    client.post(reverse("admin:live_liveupdate_add"), _update_form(story))
    return LiveUpdate.objects.filter(story=story, status=LiveUpdate.Status.SUBMITTED).exists()


def publish_live_update_needing_approval(client):
    story = make_live_story(requires_approval=True)
    client.post(
        reverse("admin:live_liveupdate_add"),
        _update_form(story, status=LiveUpdate.Status.PUBLISHED),
    )
    return LiveUpdate.objects.public().filter(story=story).exists()


def publish_live_update_without_approval(client):
    story = make_live_story(requires_approval=False)
    client.post(
        reverse("admin:live_liveupdate_add"),
        _update_form(story, status=LiveUpdate.Status.PUBLISHED),
    )
    return LiveUpdate.objects.public().filter(story=story).exists()


def approve_submitted_update(client):
    update = add_update(make_live_story(), status=LiveUpdate.Status.SUBMITTED)
    client.post(
        reverse("admin:live_liveupdate_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [update.pk]},
    )
    return LiveUpdate.objects.public().filter(pk=update.pk).exists()


def pin_live_update(client):
    update = add_update(make_live_story())
    client.post(
        reverse("admin:live_liveupdate_changelist"),
        {"action": "pin", ACTION_CHECKBOX_NAME: [update.pk]},
    )
    return LiveUpdate.objects.get(pk=update.pk).pinned


def make_story_live(client):
    story = make_public_story()
    client.post(
        reverse("admin:live_livecoverage_add"),
        {
            "story": story.pk,
            "order": "newest",
            "requires_approval": "on",
            "summary": "",
            "started_at_0": "2026-11-24",
            "started_at_1": "09:00:00",
        },
    )
    return LiveCoverage.objects.filter(story=story).exists()


def edit_published_live_update(client):
    update = add_update(make_live_story(requires_approval=True))
    data = _update_form(update.story, headline="Edited", status=update.status)
    data |= {"base_version": update.version}
    data |= {
        "published_at_0": timezone.localtime(update.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(update.published_at).strftime("%H:%M:%S"),
    }
    client.post(reverse("admin:live_liveupdate_change", args=[update.pk]), data)
    return LiveUpdate.objects.get(pk=update.pk).headline == "Edited"


def _edited_update(requires_approval, status):
    """A live update saved twice through the workflow, so that it has two revisions."""
    update = add_update(make_live_story(requires_approval=requires_approval), status=status)
    live_workflow.save_update(update, by=workflow.SYSTEM)
    update.headline = "Second headline"
    live_workflow.save_update(update, by=workflow.SYSTEM)
    return update


def see_history_of_submitted_update(client):
    update = _edited_update(True, LiveUpdate.Status.SUBMITTED)
    url = reverse("admin:live_liveupdate_revisions", args=[update.pk])
    return client.get(url).status_code == 200


def restore_published_update_needing_approval(client):
    update = _edited_update(True, LiveUpdate.Status.PUBLISHED)
    first = update.revisions.order_by("pk").first()
    client.post(reverse("admin:live_liveupdate_restore", args=[update.pk, first.pk]))
    return LiveUpdate.objects.get(pk=update.pk).headline != "Second headline"


def restore_submitted_update(client):
    update = _edited_update(True, LiveUpdate.Status.SUBMITTED)
    first = update.revisions.order_by("pk").first()
    client.post(reverse("admin:live_liveupdate_restore", args=[update.pk, first.pk]))
    return LiveUpdate.objects.get(pk=update.pk).headline != "Second headline"


# Fronts and the banner: reporters see them; editors arrange them and publish banners.
def _home_front():
    front = Front.objects.of()
    if not front.versions.exists():
        story = make_public_story(headline="Front lead")
        FrontVersion.objects.create(front=front, takes_effect_at=timezone.now())
        Slot.objects.create(version=front.version_at(), position=1, story=story)
    return front


def view_front(client):
    front = _home_front()
    page = client.get(reverse("admin:fronts_front_change", args=[front.pk]))
    return page.status_code == 200 and "Front lead" in page.text


def preview_front(client):
    front = _home_front()
    return client.get(reverse("admin:fronts_front_preview", args=[front.pk])).status_code == 200


def rearrange_front(client):
    front = _home_front()
    before = front.versions.count()
    slot = front.version_at().slots.get()
    client.post(
        reverse("admin:fronts_front_change", args=[front.pk]),
        {"story": [slot.story_id], "headline": ["Retitled"], "dek": [""], "image": [""]},
    )
    return front.versions.count() == before + 1


def restore_front_version(client):
    front = _home_front()
    before = front.versions.count()
    client.post(reverse("admin:fronts_front_restore", args=[front.pk, front.version_at().pk]))
    return front.versions.count() == before + 1


def add_banner(client):
    text = f"Breaking {next(_runs)}"
    now = timezone.localtime()
    client.post(
        reverse("admin:fronts_banner_add"),
        {
            "text": text,
            "url": "https://example.org/live",
            "starts_at_0": now.strftime("%Y-%m-%d"),
            "starts_at_1": now.strftime("%H:%M:%S"),
            "expires_at_0": (now + timedelta(days=1)).strftime("%Y-%m-%d"),
            "expires_at_1": now.strftime("%H:%M:%S"),
        },
    )
    return Banner.objects.filter(text=text).exists()


REPORTER_UP = {"reporter", "editor", "superuser"}
EDITOR_UP = {"editor", "superuser"}
SUPERUSER = {"superuser"}
NOBODY = set()

MATRIX = [
    (view_changelist, REPORTER_UP),
    (open_add_form, REPORTER_UP),
    (edit_draft, REPORTER_UP),
    (edit_published_story, EDITOR_UP),
    (delete_draft, REPORTER_UP),
    # A story readers may have seen is retracted instead; only a superuser deletes it.
    (delete_published_story, SUPERUSER),
    (bulk_delete_published_story, SUPERUSER),
    (delete_story_never_shown, EDITOR_UP),
    (retract_published_story, EDITOR_UP),
    (edit_retracted_story, NOBODY),
    (transition("submit", Status.DRAFT), REPORTER_UP),
    (transition("return_to_draft", Status.IN_REVIEW), REPORTER_UP),
    (transition("publish", Status.IN_REVIEW), EDITOR_UP),
    (transition("publish", Status.DRAFT), EDITOR_UP),
    (transition("unpublish", Status.PUBLISHED), EDITOR_UP),
    (transition("reopen", Status.UNPUBLISHED), EDITOR_UP),
    (bulk_submit, REPORTER_UP),
    (bulk_publish, EDITOR_UP),
    (forge_status_in_form, NOBODY),  # status changes only through transitions
    (forge_publish_time_in_form, EDITOR_UP),
    (forge_status_when_adding, NOBODY),
    (lift_embargo_in_form, EDITOR_UP),
    (lift_embargo_button, EDITOR_UP),
    (view_scheduled, REPORTER_UP),
    (preview_draft, REPORTER_UP),
    (create_preview_link, REPORTER_UP),
    (revoke_preview_link, REPORTER_UP),
    (read_revisions, REPORTER_UP),
    (restore_revision_of_draft, REPORTER_UP),
    (add_correction, EDITOR_UP),
    (view_front, REPORTER_UP),
    (preview_front, REPORTER_UP),
    (rearrange_front, EDITOR_UP),
    (restore_front_version, EDITOR_UP),
    (add_banner, EDITOR_UP),
    (see_source_contacts, EDITOR_UP),
    (forge_source_contacts, EDITOR_UP),
    (search_sources_by_contact, NOBODY),
    # The database holds them encrypted: nobody can filter on their text, only on whether
    # a source has contact details at all.
    (filter_sources_by_contacts, NOBODY),
    (filter_sources_by_private_notes, NOBODY),
    (filter_sources_with_contact_details, EDITOR_UP),
    (read_source_access_record, EDITOR_UP),
    (add_person, REPORTER_UP),
    (add_source, REPORTER_UP),
    (see_image_usage_note, EDITOR_UP),
    (forge_image_usage_note, EDITOR_UP),
    (filter_images_by_usage_note, EDITOR_UP),
    (file_live_update, REPORTER_UP),
    (publish_live_update_needing_approval, EDITOR_UP),
    (publish_live_update_without_approval, REPORTER_UP),
    (approve_submitted_update, EDITOR_UP),
    (pin_live_update, EDITOR_UP),
    (make_story_live, EDITOR_UP),
    (edit_published_live_update, EDITOR_UP),
    (see_history_of_submitted_update, REPORTER_UP),
    (restore_submitted_update, REPORTER_UP),
    (restore_published_update_needing_approval, EDITOR_UP),
    *[
        (shown_by(kind)(act), REPORTER_UP if kind == "draft" else EDITOR_UP)
        for act in [
            rename_cited_source,
            edit_bio_of_bylined_person,
            change_slug_of_person_in_story,
            edit_hero_image_caption,
            replace_hero_image_file,
            edit_portrait_of_bylined_person,
        ]
        for kind in STORIES
    ],
]


class PermissionMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}

    def test_every_role_can_do_exactly_what_the_matrix_allows(self):
        for act, allowed in MATRIX:
            for role in ROLES:
                with self.subTest(act=act.__name__, role=role):
                    self.client.logout()
                    if self.users[role]:
                        self.client.force_login(self.users[role])
                    assert act(self.client) == (role in allowed)

    def test_refused_requests_answer_403_or_the_login_page_never_500(self):
        story = make_public_story()
        draft = story_in(Status.IN_REVIEW)
        requests = [
            ("post", admin_url("transition", draft.pk, "publish")),
            ("post", admin_url("transition", story.pk, "unpublish")),
            ("post", admin_url("change", story.pk)),
            ("post", admin_url("delete", story.pk)),
            ("get", admin_url("correct", story.pk)),
        ]
        for role in ["anonymous", "staff", "reporter"]:
            self.client.logout()
            if self.users[role]:
                self.client.force_login(self.users[role])
            for method, url in requests:
                with self.subTest(role=role, url=url):
                    response = getattr(self.client, method)(url, {"post": "yes"})
                    if role == "anonymous":
                        assert response.status_code == 302
                        assert "/admin/login/" in response["Location"]
                    else:
                        assert response.status_code == 403

    def test_reporter_sees_publication_fields_read_only_and_no_editor_buttons(self):
        self.client.force_login(self.users["reporter"])
        story = story_in(Status.IN_REVIEW)
        page = self.client.get(admin_url("change", story.pk)).text
        assert 'name="status"' not in page
        assert 'name="published_at_0"' not in page
        assert "Return to draft" in page
        assert ">Publish<" not in page

    def test_editor_sees_the_publish_button_and_the_contact_details_fieldset(self):
        self.client.force_login(self.users["editor"])
        story = story_in(Status.IN_REVIEW)
        assert ">Publish<" in self.client.get(admin_url("change", story.pk)).text
        source = make_source(private_notes="meets at the diner")
        page = self.client.get(reverse("admin:stories_source_change", args=[source.pk])).text
        assert "meets at the diner" in page

    def test_transition_buttons_refuse_get_requests(self):
        self.client.force_login(self.users["editor"])
        story = story_in(Status.IN_REVIEW)
        assert self.client.get(admin_url("transition", story.pk, "publish")).status_code == 400
        assert Story.objects.get(pk=story.pk).status == Status.IN_REVIEW

    def test_unknown_transition_is_404(self):
        self.client.force_login(self.users["editor"])
        story = story_in(Status.DRAFT)
        assert self.client.post(admin_url("transition", story.pk, "explode")).status_code == 404


class RoleGroupTests(TestCase):
    def test_the_migration_creates_reporter_and_editor_groups(self):
        reporter = set(
            Group.objects.get(name="Reporter").permissions.values_list("codename", flat=True)
        )
        editor = set(
            Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
        )
        assert {"add_story", "change_story", "view_source"} <= reporter
        assert not {"publish_story", "view_source_contacts", "add_correction"} & reporter
        assert reporter < editor
        assert {"publish_story", "view_source_contacts", "add_correction"} <= editor


def sign_in(username, password):
    # django-axes counts every attempt against its address, so authenticate() needs a request.
    return authenticate(
        RequestFactory().post("/admin/login/"), username=username, password=password
    )


class DemoAccountsCommandTests(TestCase):
    def test_creates_one_account_per_role_and_prints_working_passwords(self):
        out = StringIO()
        call_command("create_demo_accounts", stdout=out)
        lines = [line.split() for line in out.getvalue().splitlines() if "password:" in line]
        accounts = {words[2]: words[4] for words in lines}
        assert set(accounts) == {"reporter", "editor", "chief"}
        reporter = sign_in("reporter", accounts["reporter"])
        editor = sign_in("editor", accounts["editor"])
        chief = sign_in("chief", accounts["chief"])
        assert reporter.is_staff and not reporter.has_perm("stories.publish_story")
        assert editor.has_perm("stories.publish_story")
        assert chief.is_superuser

    def test_running_again_resets_the_passwords(self):
        first, second = StringIO(), StringIO()
        call_command("create_demo_accounts", stdout=first)
        call_command("create_demo_accounts", stdout=second)
        password = next(
            line.split()[4] for line in second.getvalue().splitlines() if " editor " in line
        )
        assert sign_in("editor", password) is not None
        assert first.getvalue() != second.getvalue()
