from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from stories import files, security
from stories.urls import sitemap_urls

urlpatterns = [
    path("admin/two-step/passkeys/", include("django_otp_webauthn.urls")),
    path("admin/two-step/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", files.media, name="media"),
    path(
        f"{settings.PRIVATE_MEDIA_URL.strip('/')}/<path:name>",
        files.source_document,
        name="source-document",
    ),
    path("favicon.ico", files.favicon, name="favicon"),
    path(".well-known/security.txt", security.security_txt, name="security-txt"),
    path("api/", include("api.urls")),
    path("live/", include("live.urls")),
    *sitemap_urls,
    path("", include("feedback.urls")),
    path("", include("stories.urls")),
]

handler400 = "stories.views.bad_request"
handler403 = "stories.views.permission_denied"
handler500 = "stories.views.server_error"
