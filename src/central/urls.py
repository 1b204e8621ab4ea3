from django.urls import path

from central import views

app_name = "central"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kirim/<uuid:public_id>/", views.send, name="send"),
    path("kirim-semua/", views.send_all, name="send_all"),
]
