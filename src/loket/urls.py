from django.contrib import admin
from django.urls import include, path
from two_factor.admin import AdminSiteOTPRequired
from two_factor.urls import urlpatterns as two_factor_urls

from loket import views
from loket.env import env_bool

# Officers reach the admin only with a verified second factor, like the back office.
admin.site.__class__ = AdminSiteOTPRequired

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("layanan/", include("catalogue.urls")),
    path("permohonan/", include("applications.urls")),
    path("", include("accounts.urls")),
    path("api/v1/", include("loket.api_urls")),
    path("channels/", include("channels.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kantor/", include(two_factor_urls)),
    path("kantor/", include("backoffice.urls")),
    path("kantor/siak/", include("central.urls")),
    path("kantor/produksi/", include("production.urls")),
    path("kantor/audit/", include("audit.urls")),
    path("kantor/pesan/", include("notifications.urls")),
    path("kantor/percakapan/", include("channels.inbox_urls")),
    path("", include("documents.urls")),
    path("", include("handover.urls")),
    path("", include("counter_queue.urls")),
    path("", include("feedback.urls")),
    path("", include("workdays.urls")),
    path("", include("reports.urls")),
    path("", include("assisted.urls")),
    path("admin/", admin.site.urls),
]

if env_bool("LOKET_BENCH_BARE_VIEW"):  # the benchmark's baseline: Django with no work to do
    urlpatterns.append(path("bench/bare", views.bare))

handler404 = "loket.views.not_found"
handler500 = "loket.views.server_error"
