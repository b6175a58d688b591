"""Who may do what with people, sources, pictures, documents, sections and pages.

Read the table at the foot of this module: each row names an act and the roles that can do
it, from anonymous up to superuser. Every act is tried by every role against data made for
it; an act a role may not do must leave everything as it was, whatever the response, and
never answer with a server error.
"""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from stories.models import Image, Page, Person, Section, Source
from tests.helpers.accounts import ROLES, make_user
from tests.helpers.documents import pdf_bytes
from tests.helpers.factories import (
    add_byline,
    cite,
    make_person,
    make_public_story,
    make_section,
    make_source,
    make_story,
)
from tests.helpers.pictures import make_image, picture_bytes

_runs = itertools.count(1)

EVERYONE = set(ROLES)
REPORTER_UP = {"reporter", "editor", "superuser"}
EDITOR_UP = {"editor", "superuser"}
SUPERUSER = {"superuser"}


def admin(model, view, *args):
    return reverse(f"admin:stories_{model._meta.model_name}_{view}", args=args)


# --- What each model's admin form posts -------------------------------------------------


def person_data(person, **changes):
    fields = ["name", "slug", "title", "organization", "bio"]
    data = {name: getattr(person, name) for name in fields} | {"_save": "Save"}
    if person.is_staff_member:
        data["is_staff_member"] = "on"
    return data | changes


def source_data(source, **changes):
    fields = ["kind", "name", "affiliation", "url", "contact_details", "private_notes"]
    data = {name: getattr(source, name) for name in fields} | {"_save": "Save"}
    if source.document_is_public:
        data["document_is_public"] = "on"
    return data | changes


def image_data(image, **changes):
    fields = ["alt_text", "caption", "credit", "usage_note", "focal_x", "focal_y"]
    return {name: getattr(image, name) for name in fields} | {"_save": "Save"} | changes


def section_data(section, **changes):
    fields = ["name", "slug", "description", "position"]
    return {name: getattr(section, name) for name in fields} | {"_save": "Save"} | changes


def page_data(page, **changes):
    fields = ["title", "slug", "summary", "body"]
    return {name: getattr(page, name) for name in fields} | {"_save": "Save"} | changes


def unique(prefix):
    return f"{prefix}-{next(_runs)}"


# --- What each kind of thing is, fresh for every act -------------------------------------


def draft_only_person():
    person = make_person(bio="Quiet")
    add_byline(make_story(), person)
    return person


def staff_person():
    return make_person(bio="Our reporter", is_staff_member=True)


def make_page():
    slug = unique("page")
    return Page.objects.create(title="Standing page", slug=slug, body="<p>Text</p>")


def make_document(public=False):
    source = make_source(
        kind=Source.Kind.DOCUMENT,
        document=SimpleUploadedFile("memo.pdf", pdf_bytes()),
        document_is_public=public,
    )
    if public:
        cite(make_public_story(), source)
    return source


# --- The acts ---------------------------------------------------------------------------
# Each takes the client, acting as the role under test, and says whether the act took effect.


def lists(model):
    def act(client):
        return client.get(admin(model, "changelist")).status_code == 200

    act.__name__ = f"list_{model._meta.verbose_name_plural}"
    return act


def opens(model, make):
    def act(client):
        return client.get(admin(model, "change", make().pk)).status_code == 200

    act.__name__ = f"view_a_{model._meta.model_name}"
    return act


def deletes(model, make, name=None):
    def act(client):
        obj = make()
        client.post(admin(model, "delete", obj.pk), {"post": "yes"})
        return not model.objects.filter(pk=obj.pk).exists()

    act.__name__ = name or f"delete_a_{model._meta.model_name}"
    return act


def add_person(client):
    slug = unique("added")
    client.post(admin(Person, "add"), {"name": "Added", "slug": slug, "_save": "Save"})
    return Person.objects.filter(slug=slug).exists()


def change_draft_only_persons_bio(client):
    person = draft_only_person()
    client.post(admin(Person, "change", person.pk), person_data(person, bio="Changed"))
    return Person.objects.get(pk=person.pk).bio == "Changed"


def change_staff_persons_bio(client):
    person = staff_person()
    client.post(admin(Person, "change", person.pk), person_data(person, bio="Changed"))
    return Person.objects.get(pk=person.pk).bio == "Changed"


def add_a_person_as_staff(client):
    slug = unique("staff")
    data = {"name": "Added", "slug": slug, "is_staff_member": "on", "_save": "Save"}
    client.post(admin(Person, "add"), data)
    return Person.objects.filter(slug=slug, is_staff_member=True).exists()


def mark_a_person_as_staff(client):
    person = draft_only_person()
    client.post(admin(Person, "change", person.pk), person_data(person, is_staff_member="on"))
    return Person.objects.get(pk=person.pk).is_staff_member


def clear_the_staff_flag(client):
    person = staff_person()
    data = person_data(person)
    del data["is_staff_member"]
    client.post(admin(Person, "change", person.pk), data)
    return not Person.objects.get(pk=person.pk).is_staff_member


def add_source(client):
    name = unique("Added source")
    client.post(admin(Source, "add"), {"kind": "person", "name": name, "_save": "Save"})
    return Source.objects.filter(name=name).exists()


def rename_uncited_source(client):
    source = make_source()
    client.post(admin(Source, "change", source.pk), source_data(source, name="Renamed"))
    return Source.objects.get(pk=source.pk).name == "Renamed"


def see_contact_details(client):
    source = make_source(contact_details="+1 555 0100 secret line", private_notes="garage")
    page = client.get(admin(Source, "change", source.pk)).text
    return "555 0100" in page or "garage" in page


def set_contact_details(client):
    source = make_source(contact_details="old")
    client.post(admin(Source, "change", source.pk), source_data(source, contact_details="new"))
    return Source.objects.get(pk=source.pk).contact_details == "new"


def make_a_document_public(client):
    source = make_document()
    data = source_data(source, document_is_public="on")
    client.post(admin(Source, "change", source.pk), data)
    return Source.objects.get(pk=source.pk).document_is_public


def upload_a_document(client):
    name = unique("Uploaded")
    data = {"kind": "document", "name": name, "_save": "Save"}
    data["document"] = SimpleUploadedFile("memo.pdf", pdf_bytes())
    client.post(admin(Source, "add"), data)
    return Source.objects.filter(name=name).exclude(document="").exists()


def download_a_private_document(client):
    response = client.get(make_document().document_url)
    return response.status_code == 200


def download_a_public_cited_document(client):
    response = client.get(make_document(public=True).document_url)
    return response.status_code == 200


def upload_a_picture(client):
    credit = unique("Uploader")
    data = {"alt_text": "A square", "credit": credit, "focal_x": 0.5, "focal_y": 0.5}
    data |= {"file": SimpleUploadedFile("square.png", picture_bytes("PNG")), "_save": "Save"}
    client.post(admin(Image, "add"), data)
    return Image.objects.filter(credit=credit).exists()


def caption_an_unused_picture(client):
    image = make_image()
    client.post(admin(Image, "change", image.pk), image_data(image, caption="New caption"))
    return Image.objects.get(pk=image.pk).caption == "New caption"


def see_a_pictures_usage_note(client):
    image = make_image(usage_note="licence ends in June")
    return "licence ends in June" in client.get(admin(Image, "change", image.pk)).text


def add_section(client):
    slug = unique("added-section")
    client.post(admin(Section, "add"), {"name": "Added", "slug": slug, "position": 0})
    return Section.objects.filter(slug=slug).exists()


def rename_section(client):
    section = make_section()
    client.post(admin(Section, "change", section.pk), section_data(section, name="Renamed"))
    return Section.objects.get(pk=section.pk).name == "Renamed"


def add_page(client):
    slug = unique("page")
    data = {"title": "Added", "slug": slug, "body": "<p>Text</p>", "_save": "Save"}
    client.post(admin(Page, "add"), data)
    return Page.objects.filter(slug=slug).exists()


def edit_page(client):
    page = make_page()
    client.post(admin(Page, "change", page.pk), page_data(page, title="Edited"))
    return Page.objects.get(pk=page.pk).title == "Edited"


# --- The specification ------------------------------------------------------------------

TABLE = [
    # People
    (lists(Person), REPORTER_UP),
    (opens(Person, draft_only_person), REPORTER_UP),
    (add_person, REPORTER_UP),
    (change_draft_only_persons_bio, REPORTER_UP),
    (change_staff_persons_bio, EDITOR_UP),
    (add_a_person_as_staff, EDITOR_UP),
    (mark_a_person_as_staff, EDITOR_UP),
    (clear_the_staff_flag, EDITOR_UP),
    (deletes(Person, make_person), EDITOR_UP),
    # Sources and their documents
    (lists(Source), REPORTER_UP),
    (opens(Source, make_source), REPORTER_UP),
    (add_source, REPORTER_UP),
    (rename_uncited_source, REPORTER_UP),
    (deletes(Source, make_source), EDITOR_UP),
    (see_contact_details, EDITOR_UP),
    (set_contact_details, EDITOR_UP),
    (upload_a_document, REPORTER_UP),
    (make_a_document_public, EDITOR_UP),
    (download_a_private_document, REPORTER_UP),
    (download_a_public_cited_document, EVERYONE),
    # Pictures
    (lists(Image), REPORTER_UP),
    (opens(Image, make_image), REPORTER_UP),
    (upload_a_picture, REPORTER_UP),
    (caption_an_unused_picture, REPORTER_UP),
    (see_a_pictures_usage_note, EDITOR_UP),
    (deletes(Image, make_image), EDITOR_UP),
    # Sections
    (lists(Section), REPORTER_UP),
    (opens(Section, make_section), REPORTER_UP),
    (add_section, EDITOR_UP),
    (rename_section, EDITOR_UP),
    (deletes(Section, make_section), SUPERUSER),
    # Standing pages
    (lists(Page), EDITOR_UP),
    (opens(Page, make_page), EDITOR_UP),
    (add_page, EDITOR_UP),
    (edit_page, EDITOR_UP),
    (deletes(Page, make_page), SUPERUSER),
]


class SecurityRoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}

    def act_as(self, role):
        self.client.logout()
        if self.users[role] is not None:
            self.client.force_login(self.users[role])

    def test_every_role_can_do_exactly_what_the_table_allows(self):
        for act, allowed in TABLE:
            for role in ROLES:
                with self.subTest(act=act.__name__, role=role):
                    self.act_as(role)
                    assert act(self.client) == (role in allowed)

    def test_the_table_runs_from_anonymous_up_and_no_act_is_open_to_a_lower_role_only(self):
        order = {role: rank for rank, role in enumerate(ROLES)}
        for act, allowed in TABLE:
            with self.subTest(act=act.__name__):
                lowest = min(order[role] for role in allowed)
                assert allowed == set(ROLES[lowest:])
