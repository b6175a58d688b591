from django.urls import path

from . import feeds, views

app_name = "live"

urlpatterns = [
    path("<int:story>/updates/", views.updates, name="updates"),
    path("<int:story>/rss/", feeds.UpdatesFeed(), name="rss"),
    path("<int:story>/atom/", feeds.UpdatesAtomFeed(), name="atom"),
]
