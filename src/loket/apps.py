from django.apps import AppConfig


class LoketConfig(AppConfig):
    name = "loket"
