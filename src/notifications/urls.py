from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/kirim-ulang/", views.retry, name="retry"),
]
