from django.urls import path

from channels.sms.inbound import sms_inbound
from channels.whatsapp import views as whatsapp_views

app_name = "channels"
urlpatterns = [
    path("whatsapp/webhook", whatsapp_views.webhook, name="whatsapp_webhook"),
    path("sms/inbound", sms_inbound, name="sms_inbound"),
]
