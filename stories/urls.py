from django.urls import path, register_converter

from . import converters, views

register_converter(converters.FourDigitYear, "yyyy")
register_converter(converters.TwoDigit, "dd")

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.story_detail, name="story"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("search/", views.search, name="search"),
]
