import random
import statistics
import time
from datetime import timedelta
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from stories.models import Byline, Person, SearchEntry, Section, Story, Tag, TaggedStory
from stories.search import reindex_stories, results_page

PREFIX = "benchmark"
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["an", "er", "on", "is"]


class Command(BaseCommand):
    help = (
        "Measure reader search latency: generate N stories, index them, run a set of "
        "queries through the search page's own function and report p50/p95. The generated "
        "stories are deleted afterwards unless --keep is given. Never run it against a "
        "database whose data matters."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=100_000, help="default 100,000")
        parser.add_argument("--repeat", type=int, default=15, help="runs of each query")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--keep", action="store_true", help="keep the generated stories")

    def handle(self, *args, stories, repeat, seed, keep, **options):
        if stories < 1 or repeat < 1:
            raise CommandError("--stories and --repeat must be positive, e.g. --stories 10000.")
        self.random = random.Random(seed)
        self.remove_generated()
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({connection.settings_dict['NAME']})")

        started = time.perf_counter()
        sections, people, tags = self.generate(stories)
        self.report_step(f"Generated {stories} stories", started)

        started = time.perf_counter()
        reindex_stories(
            Story.objects.filter(section__in=sections), batch_size=2000, progress=self.progress
        )
        self.stdout.write("")
        self.report_step("Indexed them", started)
        self.analyze()

        queries = self.queries(people, tags)
        timings = self.measure(queries, repeat)
        every = [t for runs in timings.values() for t in runs]
        p50, p95 = percentile(every, 50), percentile(every, 95)
        self.stdout.write(
            self.style.SUCCESS(
                f"All queries ({len(every)} runs, {Story.objects.count()} stories in the "
                f"database): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )
        )
        if not keep:
            started = time.perf_counter()
            self.remove_generated()
            self.report_step("Removed the generated data", started)

    def generate(self, count):
        self.words = words = self.vocabulary(20_000)
        # Word frequencies follow Zipf's law, as in real text.
        cumulative = list(accumulate(1 / rank for rank in range(1, len(words) + 1)))

        def sentence(n):
            return " ".join(self.random.choices(words, cum_weights=cumulative, k=n))

        paragraphs = [
            f"<p>{sentence(self.random.randint(40, 80)).capitalize()}.</p>" for _ in range(4000)
        ]
        sections = Section.objects.bulk_create(
            Section(name=f"Benchmark {n}", slug=f"{PREFIX}-{n}", position=90 + n) for n in range(6)
        )
        people = Person.objects.bulk_create(
            Person(name=f"{a.title()} {b.title()}", slug=f"{PREFIX}-person-{n}")
            for n, (a, b) in enumerate(zip(words[500:2500], words[2500:4500], strict=True))
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"{PREFIX} {words[n * 7 + 300]}", slug=f"{PREFIX}-tag-{n}")
            for n in range(500)
        )
        now = timezone.now()
        # Throwaway rows written in bulk, in the states a real archive holds, rather than
        # stories published through stories.workflow: what is measured is search, and the
        # workflow's records (some twenty queries a story) would multiply the time it takes
        # to generate 100,000 of them.
        statuses = [Story.Status.PUBLISHED] * 94 + [Story.Status.DRAFT] * 3 + ["future"] * 3
        kinds = [kind for kind, _ in Story.Kind.choices]
        for start in range(0, count, 5000):
            batch = []
            for n in range(start, min(start + 5000, count)):
                status = self.random.choice(statuses)
                published = now - timedelta(minutes=self.random.randint(60, 5 * 365 * 24 * 60))
                if status == "future":
                    status, published = Story.Status.PUBLISHED, now + timedelta(days=3)
                batch.append(
                    Story(
                        headline=sentence(self.random.randint(6, 11)).capitalize(),
                        dek=sentence(self.random.randint(15, 30)).capitalize() + ".",
                        slug=f"{PREFIX}-{n}",
                        body="".join(self.random.sample(paragraphs, 6)),
                        section=self.random.choice(sections),
                        kind=self.random.choice(kinds),
                        status=status,
                        published_at=published if status == Story.Status.PUBLISHED else None,
                    )
                )
            created = Story.objects.bulk_create(batch)
            Byline.objects.bulk_create(
                Byline(story=story, person=self.random.choice(people[:200])) for story in created
            )
            Story.people.through.objects.bulk_create(
                Story.people.through(story=story, person=self.random.choice(people))
                for story in created
            )
            TaggedStory.objects.bulk_create(
                TaggedStory(content_object=story, tag=tag)
                for story in created
                for tag in self.random.sample(tags, 2)
            )
        return sections, people, tags

    def vocabulary(self, size):
        words = set()
        while len(words) < size:
            words.add("".join(self.random.choices(SYLLABLES, k=self.random.randint(2, 4))))
        words = sorted(words)
        self.random.shuffle(words)
        return words

    def queries(self, people, tags):
        """Typical reader queries: words of varied frequency, names, tags and syntax."""
        w = self.words  # ordered from the most frequent word down
        return [
            w[40],
            w[150],
            w[600],
            w[2500],
            w[9000],
            f"{w[120]} {w[700]}",
            f"{w[200]} {w[1500]} {w[3000]}",
            f'"{w[25]} {w[30]}"',
            f"{w[800]} or {w[1800]}",
            f"{w[300]} -{w[60]}",
            people[17].name,
            people[1500].name.split()[1],
            tags[42].name.split()[1],
            "zzxq nothing matches",
        ]

    def measure(self, queries, repeat):
        timings = {}
        self.stdout.write(f"{'query':<40} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for query in queries:
            page = results_page(Story.objects.public().for_listing(), query)  # warm up
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                page = results_page(Story.objects.public().for_listing(), query)
                runs.append((time.perf_counter() - started) * 1000)
            timings[query] = runs
            self.stdout.write(
                f"{query[:40]:<40} {page.paginator.count:>8} "
                f"{percentile(runs, 50):>8.1f} {percentile(runs, 95):>8.1f}"
            )
        return timings

    def analyze(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # What autovacuum would do after a bulk load (VACUUM needs autocommit).
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                for model in [Story, SearchEntry, Byline, TaggedStory]:
                    cursor.execute(f"{command} {model._meta.db_table}")
            else:
                cursor.execute(
                    "INSERT INTO stories_search_fts(stories_search_fts) VALUES ('optimize')"
                )
                cursor.execute("ANALYZE")

    def remove_generated(self):
        generated = Story.objects.filter(slug__startswith=f"{PREFIX}-")
        SearchEntry.objects.filter(story__in=generated).delete()
        TaggedStory.objects.filter(content_object__in=generated).delete()
        Story.people.through.objects.filter(story__in=generated).delete()
        generated.only("pk").delete()
        Person.objects.filter(slug__startswith=f"{PREFIX}-person-").delete()
        Tag.objects.filter(slug__startswith=f"{PREFIX}-tag-").delete()
        Section.objects.filter(slug__startswith=f"{PREFIX}-").delete()

    def report_step(self, what, started):
        self.stdout.write(f"{what} in {time.perf_counter() - started:.1f} s.")

    def progress(self, done, total):
        filled = 30 * done // total
        self.stdout.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {done}/{total}", ending="")
        self.stdout.flush()


def percentile(values, pct):
    return (
        statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
        if len(values) > 1
        else values[0]
    )
