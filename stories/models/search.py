from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    """What the search engine knows of one story: only text a reader may read.

    Written by ``stories.search.reindex_stories`` whenever a story, its tags or its
    people change; never edited by hand. Sources and citations are deliberately absent.
    On PostgreSQL ``vector`` holds the weighted full-text vector (GIN-indexed) that
    finds matches, and ``rank_vector`` the short one that orders them; on SQLite an FTS5
    table kept current by triggers plays both parts and the vectors stay empty.
    """

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    headline = models.TextField()
    dek = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="The body as plain text.")
    keywords = models.TextField(blank=True, help_text="Tag names and people's names.")
    vector = SearchVectorField(null=True, editable=False)
    rank_vector = SearchVectorField(
        null=True, editable=False, help_text="Headline, dek and names only: cheap to rank."
    )

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.headline
