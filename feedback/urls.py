from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("report-an-error/<int:pk>/", views.report_error, name="report"),
    path(
        "report-an-error/thanks/",
        views.thanks,
        {"kind": "report"},
        name="report-thanks",
    ),
    path("tips/", views.send_tip, name="tip"),
    path("tips/thanks/", views.thanks, {"kind": "tip"}, name="tip-thanks"),
]
