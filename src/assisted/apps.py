from django.apps import AppConfig


class AssistedConfig(AppConfig):
    name = "assisted"
