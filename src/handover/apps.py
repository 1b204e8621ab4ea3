from django.apps import AppConfig
from django.db.models.signals import post_save


class HandoverConfig(AppConfig):
    name = "handover"

    def ready(self):
        from applications.models import Event
        from handover.signals import on_event_saved

        post_save.connect(on_event_saved, sender=Event, dispatch_uid="handover_card_ready")
