from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Newsroom"

    def ready(self):
        from stories.search import index  # noqa: F401 -- connects the reindexing signals
