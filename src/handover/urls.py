from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path(
        "permohonan/<uuid:public_id>/pengambilan/loket/",
        views.choose_counter,
        name="choose_counter",
    ),
    path("permohonan/<uuid:public_id>/kurir/", views.courier_address, name="courier_address"),
    path(
        "permohonan/<uuid:public_id>/kurir/konfirmasi/",
        views.courier_confirm,
        name="courier_confirm",
    ),
    path("handover/courier/callback", views.courier_callback, name="courier_callback"),
    path("kantor/kurir/", views.courier_desk, name="courier_desk"),
    path("kantor/kurir/<int:pk>/label/", views.courier_label, name="courier_label"),
    path(
        "kantor/kurir/<int:pk>/tindak-lanjut/",
        views.courier_follow_up,
        name="courier_follow_up",
    ),
    path("kantor/pengambilan/", views.pickup_desk, name="pickup_desk"),
]
