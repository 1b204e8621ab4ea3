from django.urls import path, re_path

from reports import views

app_name = "reports"

EXPORT = r"\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    path("laporan/", views.index, name="index"),
    path("laporan/cakupan/", views.coverage, name="coverage"),
    re_path(r"^laporan/cakupan" + EXPORT, views.coverage, name="coverage_export"),
    path("laporan/cakupan/impor/", views.population_upload, name="population_upload"),
    path("laporan/kecamatan/", views.kecamatan, name="kecamatan"),
    re_path(r"^laporan/kecamatan" + EXPORT, views.kecamatan, name="kecamatan_export"),
    path("laporan/kartu-kurir/", views.cards, name="cards"),
    re_path(r"^laporan/kartu-kurir" + EXPORT, views.cards, name="cards_export"),
    path("laporan/kinerja/", views.performance, name="performance"),
    re_path(r"^laporan/kinerja" + EXPORT, views.performance, name="performance_export"),
]
