from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from stories.admin.base import BoundedDatesMixin, CheckedIdsMixin

# django-otp registers its own devices; the passkeys' admin is provided but left to us, so
# that an administrator can remove a lost passkey as they remove a lost authenticator app.
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)


class CheckedUserAdmin(CheckedIdsMixin, BoundedDatesMixin, UserAdmin):
    pass


class CheckedGroupAdmin(CheckedIdsMixin, GroupAdmin):
    pass


# Django's own user and group admins, answering impossible ids and dates with a form error.
for model, model_admin in [(User, CheckedUserAdmin), (Group, CheckedGroupAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
