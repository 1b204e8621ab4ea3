from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"

    def ready(self):
        from channels.delivery import on_estimate_settled
        from handover.signals import estimate_settled

        estimate_settled.connect(on_estimate_settled, dispatch_uid="channels_delivery_estimate")
