from django.contrib import admin
from django.urls import include, path

from loket import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
