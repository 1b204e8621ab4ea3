from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.sign_in, name="sign_in"),
    path("masuk/kode/", views.verify, name="verify"),
    path("keluar/", views.sign_out, name="sign_out"),
    path("bahasa/", views.set_language, name="set_language"),
]
