from django.contrib import admin
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

# django-otp registers its own devices; the passkeys' admin is provided but left to us, so
# that an administrator can remove a lost passkey as they remove a lost authenticator app.
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)
