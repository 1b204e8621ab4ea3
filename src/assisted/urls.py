from django.urls import path

from assisted import display, views

app_name = "assisted"
urlpatterns = [
    path("poster/<str:code>.pdf", views.poster, name="poster"),
    path("tampilan/huruf/", display.toggle_text_size, name="text_size"),
    path("desa/", views.home, name="home"),
    path("desa/sw.js", views.service_worker, name="service_worker"),
    path("desa/baru/<str:code>/", views.intake, name="intake"),
    path("desa/baru/<str:code>/kirim/", views.send, name="send"),
    path("desa/permohonan/<uuid:public_id>/", views.detail, name="detail"),
    path("desa/permohonan/<uuid:public_id>/persetujuan/", views.confirm, name="confirm"),
]
