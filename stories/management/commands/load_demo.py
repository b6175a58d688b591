from django.core.management.base import BaseCommand

from stories.demo.loader import load_demo_coverage


class Command(BaseCommand):
    help = (
        "Load the demo coverage of IRS Commissioner Melanie Krause's resignation. "
        "Safe to run again: only what is missing is created."
    )

    def handle(self, *args, **options):
        created = load_demo_coverage()
        if not created:
            self.stdout.write("Demo coverage is already loaded; nothing changed.")
            return
        if options["verbosity"] >= 1:
            for line in created:
                self.stdout.write(f"  created {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the demo coverage ({len(created)} objects).")
        )
