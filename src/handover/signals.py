"""The handover app hears about cards becoming ready from the lifecycle's timeline events, so
the lifecycle and production need not know about couriers. Runs in the transition's own
transaction: the pickup code and the booking row commit (or roll back) with the status."""

from django.dispatch import Signal

from applications import lifecycle

# Sent with choice_id once the courier answered a price estimate (or could not): a chat that
# waits for it asks the resident to confirm (channels.delivery).
estimate_settled = Signal()


def on_event_saved(sender, instance, created, **kwargs):
    if created and instance.status == lifecycle.READY_FOR_HANDOVER:
        from handover.services import card_became_ready

        card_became_ready(instance.application)
