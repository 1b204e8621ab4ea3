from django.urls import path

from backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("permohonan/<uuid:public_id>/", views.application_detail, name="application"),
    path(
        "permohonan/<uuid:public_id>/berkas/<int:attachment_id>/",
        views.attachment_file,
        name="file",
    ),
    path("permohonan/<uuid:public_id>/ambil/", views.claim, name="claim"),
    path("permohonan/<uuid:public_id>/putuskan/", views.decide, name="decide"),
]
