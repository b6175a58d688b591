from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks a worker left marked as running when it was killed "
        "(SIGKILL, a crash, the machine going down), so that the next worker runs them again. "
        "Run it before starting the workers; every task is safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Only tasks started at least this long ago (default 0: all of them, right "
            "when no worker is running). With workers running, give more than the longest "
            "task takes.",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 0:
            raise CommandError("--older-than is a number of seconds, 0 or more.")
        cutoff = timezone.now() - timedelta(seconds=older_than)
        count = (
            DBTaskResult.objects.running()
            .filter(started_at__lte=cutoff)
            .update(status=TaskResultStatus.READY, started_at=None)
        )
        self.stdout.write(f"{count} interrupted task{'' if count == 1 else 's'} requeued.")
