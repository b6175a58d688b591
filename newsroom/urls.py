from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from stories.urls import sitemap_urls

urlpatterns = [
    path("admin/two-step/passkeys/", include("django_otp_webauthn.urls")),
    path("admin/two-step/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    *sitemap_urls,
    path("", include("stories.urls")),
]

handler400 = "stories.views.bad_request"
handler500 = "stories.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
