from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("baru/<str:service_code>/", views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/ubah/", views.edit, name="edit"),
    path("<uuid:public_id>/berkas/<int:requirement_id>/", views.upload, name="upload"),
    path("<uuid:public_id>/ajukan/", views.submit, name="submit"),
    path("<uuid:public_id>/perbaikan/", views.resubmit, name="resubmit"),
    path("<uuid:public_id>/lampiran/<int:attachment_id>/", views.attachment_file, name="file"),
]
