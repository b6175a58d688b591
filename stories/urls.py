from django.urls import path, register_converter

import caching

from . import converters, feeds, previews, sitemaps, views
from .purging import SITEMAPS as SITEMAP_KEYS

register_converter(converters.FourDigitYear, "yyyy")
register_converter(converters.TwoDigit, "dd")
register_converter(converters.UnicodeSlug, "uslug")

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("rss/", feeds.LatestStoriesFeed(), name="rss"),
    path("atom/", feeds.LatestStoriesAtomFeed(), name="atom"),
    path("rss/full/", feeds.LatestStoriesFullTextFeed(), name="rss-full"),
    path("atom/full/", feeds.LatestStoriesFullTextAtomFeed(), name="atom-full"),
    path("<yyyy:year>/", views.archive, name="archive-year"),
    path("<yyyy:year>/<dd:month>/", views.archive, name="archive-month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.archive, name="archive-day"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.story_detail, name="story"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("section/<slug:slug>/rss/", feeds.SectionFeed(), name="section-rss"),
    path("section/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section-atom"),
    path("tag/<uslug:slug>/", views.tag_detail, name="tag"),
    path("tag/<uslug:slug>/rss/", feeds.TagFeed(), name="tag-rss"),
    path("tag/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("people/<slug:slug>/rss/", feeds.PersonFeed(), name="person-rss"),
    path("people/<slug:slug>/atom/", feeds.PersonAtomFeed(), name="person-atom"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/rss/", feeds.CorrectionsFeed(), name="corrections-rss"),
    path("corrections/atom/", feeds.CorrectionsAtomFeed(), name="corrections-atom"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("search/", views.search, name="search"),
    path("contact/", views.contact, name="contact"),
    path("preview/<str:token>/", previews.shared_preview, name="shared_preview"),
    # Standing pages (About, Ethics, ...) answer at the top level, after everything else.
    path("<slug:slug>/", views.page_detail, name="page"),
]

# Sitemaps are named outside the app namespace, as django.contrib.sitemaps names them.
sitemap_urls = [
    path("sitemap.xml", caching.labelled(*SITEMAP_KEYS)(sitemaps.index), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        caching.labelled(*SITEMAP_KEYS)(sitemaps.sitemap),
        name="sitemap-section",
    ),
    path("news-sitemap.xml", caching.labelled(*SITEMAP_KEYS)(sitemaps.news), name="news-sitemap"),
]
