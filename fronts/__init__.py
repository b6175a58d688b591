"""Fronts: the home page and each section page as editors arrange them, and the breaking-news
banner.

A front's history is its versions: each an immutable list of slots that takes effect at a
time. What readers see at a moment is the latest version in effect then, read through the
same rule as stories (``Story.objects.public()``): no job runs when a version's time comes.

Dependencies point down: ``admin`` and ``views`` -> ``curating`` (the one path that changes a
front or the banner) and ``reading`` (what a reader page shows) -> ``models`` -> ``stories``.
"""
