from django.core.management.base import BaseCommand

from feedback.models import ErrorReport, Tip


class Command(BaseCommand):
    help = (
        "Delete the error reports and tips handled more than FEEDBACK_KEEP_DAYS days ago, as "
        "the forms promise readers. Run it daily."
    )

    def handle(self, *args, **options):
        for model in (ErrorReport, Tip):
            count, _ = model.objects.past_keeping().delete()
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            self.stdout.write(f"Deleted {count} {name}.")
