"""Running the tasks stored by the database backend, in this process, as ``db_worker`` would."""

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_queued_tasks():
    """Run every stored task that is due, and those they enqueue for now, until none is left.

    django-tasks-db's own worker loop, in batch mode. Inside a TestCase it must not close the
    connection between tasks, as a real worker does: that would end the test's transaction.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
