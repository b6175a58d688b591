from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from stories import changes

        from . import events

        # After the search index and the page cache purge (stories.apps): a receiver that
        # fetches the story's page at once gets the new one.
        changes.listener(events.story_events)
