from django.urls import path

from workdays import views

app_name = "workdays"
urlpatterns = [
    path("status-layanan/", views.status_page, name="status"),
    path("kantor/gangguan/", views.officer_page, name="officer"),
    path("kantor/gangguan/<int:pk>/selesai/", views.end, name="end"),
]
