import time

from django.core.management.base import BaseCommand, CommandError

from stories.models import Story
from stories.search import reindex_stories

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every story (readers' search and the admin's). "
        "Run it after loading stories without signals, or to repair the index."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Stories indexed per database round trip (default 500).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be a positive number, e.g. --batch-size 500.")
        started = time.perf_counter()
        total = reindex_stories(Story.objects.all(), batch_size=batch_size, progress=self.progress)
        if total:
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {total} stories in {elapsed:.1f} s."))

    def progress(self, done, total):
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} stories", ending="")
        self.stdout.flush()
