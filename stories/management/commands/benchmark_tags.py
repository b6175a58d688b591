import random
import string
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Section, Story, Tag, TaggedStory
from stories.tagging import duplicate_suggestions, merge_tags


class RolledBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Measure the tag admin on generated data: queries and time of the tag list, a merge, "
        "and the duplicate suggestions. Everything is created in a transaction that is rolled "
        "back, so the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tags", type=int, default=2000, help="tags to generate")
        parser.add_argument("--stories", type=int, default=5000, help="stories in the merge")

    def handle(self, *args, tags, stories, **options):
        if tags < 2 or stories < 1:
            raise CommandError("Use --tags 2 or more and --stories 1 or more.")
        try:
            with transaction.atomic():
                self.run(tags, stories)
                raise RolledBack
        except RolledBack:
            self.stdout.write("(all generated data rolled back)")

    def run(self, n_tags, n_stories):
        host = next((h for h in settings.ALLOWED_HOSTS if h[0] not in ".*"), "testserver")
        client = Client(HTTP_HOST=host)
        client.force_login(
            get_user_model().objects.create_superuser("benchmark-tags", "b@example.org", None)
        )
        section = Section.objects.create(name="Benchmark", slug="benchmark-tags-section")
        self.stdout.write(f"database: {connection.vendor}")
        list_url = reverse("admin:stories_tag_changelist")

        rnd = random.Random(n_tags)

        def word():
            return "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(4, 10)))

        for count in sorted({10, n_tags}):
            Tag.objects.bulk_create(
                Tag(name=f"{word()} {word()} {i}", slug=f"benchmark-tag-{i}")
                for i in range(Tag.objects.count(), count)
            )
            self.measure(client, f"tag list, {Tag.objects.count()} tags", list_url)

        generated = Story.objects.bulk_create(
            Story(headline=f"Benchmark {i}", slug=f"benchmark-story-{i}", section=section)
            for i in range(n_stories)
        )
        source, target = Tag.objects.order_by("pk")[:2]
        TaggedStory.objects.bulk_create(
            [TaggedStory(tag=source, content_object=story) for story in generated]
            + [TaggedStory(tag=target, content_object=story) for story in generated[::2]]
        )
        started = time.perf_counter()
        merge_tags([source], target)
        self.stdout.write(
            f"merge of a tag on {n_stories} stories: {time.perf_counter() - started:.3f}s"
        )

        if connection.vendor == "postgresql":
            # Steady state: autovacuum would have moved fresh rows into the trigram index.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE stories_tag")
                cursor.execute("SELECT gin_clean_pending_list('stories_tag_name_trigram')")
        started = time.perf_counter()
        duplicate_suggestions()
        self.stdout.write(f"duplicate suggestions: {time.perf_counter() - started:.3f}s")
        self.measure(client, "duplicates page", reverse("admin:stories_tag_duplicates"))

    def measure(self, client, label, url):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        self.stdout.write(f"{label}: {len(queries)} queries, {elapsed:.3f}s")
