from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Newsroom"

    def ready(self):
        from . import changes, purging, tasks

        changes.connect()
        # In this order: a page cached after the purge must already find the new text.
        changes.listener(tasks.reindex_changed)
        changes.listener(purging.purge_changed)
        changes.listener(tasks.enqueue_changed)
        purging.track_reader_models()
