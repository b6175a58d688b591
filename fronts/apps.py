from django.apps import AppConfig


class FrontsConfig(AppConfig):
    name = "fronts"
    verbose_name = "Fronts"

    def ready(self):
        from stories import changes

        from . import purging

        changes.listener(purging.purge_fronts_showing)
