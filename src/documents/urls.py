from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("verifikasi/", views.verify_start, name="verify_start"),
    path("verifikasi/<str:code>", views.verify, name="verify"),
    path("dokumen/<uuid:public_id>/unduh", views.download, name="download"),
]
