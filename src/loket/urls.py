from django.contrib import admin
from django.urls import include, path

from loket import views
from loket.env import env_bool

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("layanan/", include("catalogue.urls")),
    path("permohonan/", include("applications.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("loket.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if env_bool("LOKET_BENCH_BARE_VIEW"):  # the benchmark's baseline: Django with no work to do
    urlpatterns.append(path("bench/bare", views.bare))

handler404 = "loket.views.not_found"
handler500 = "loket.views.server_error"
