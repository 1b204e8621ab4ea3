from django.apps import AppConfig


class CounterQueueConfig(AppConfig):
    """The counter queue (DESIGN's `queue` app). The package cannot be called `queue`: that
    would shadow Python's own queue module; the app label keeps the planned name."""

    name = "counter_queue"
    label = "queue"
