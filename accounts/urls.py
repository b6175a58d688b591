from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.two_step, name="two_step"),
    path("verify/", views.verify, name="verify"),
    path("authenticator/", views.set_up_authenticator, name="authenticator"),
    path("recovery-codes/", views.create_recovery_codes, name="recovery_codes"),
    path("devices/<str:kind>/<int:pk>/remove/", views.remove_device, name="remove_device"),
]
