from django.urls import path

from production import views

app_name = "production"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("stok/terima/", views.stock_receive, name="receive"),
    path("stok/hitung/", views.stock_count, name="count"),
    path("stok/batas/", views.stock_threshold, name="threshold"),
    path("antrean/", views.queue, name="queue"),
    path("antrean/cetak/", views.batch_create, name="batch"),
    path("antrean/tanggal-baru/", views.shortfall_notify, name="new_date"),
    path("batch/<int:pk>/", views.batch_detail, name="batch_detail"),
]
