"""Reads on supplies and the print queue."""

from applications import lifecycle
from applications.models import Application

# Services whose product is a card printed here (the rest are issued as signed documents).
from catalogue.models import CARD_SERVICES
from production.models import PrintBatch, SupplyItem


def supply_items():
    return SupplyItem.objects.order_by("id")


def low_stock_items():
    """Items at or below their warning threshold (on_hand <= low_stock_threshold)."""
    return [item for item in supply_items() if item.is_low]


def printable_card_count(items=None) -> int:
    """How many cards the current stock can still print (the scarcest supply decides)."""
    items = list(supply_items() if items is None else items)
    if not items:
        return 0
    return min(item.cards_available for item in items)


def print_queue(*, districts: set[str] | None = None):
    """Approved KTP-el/KIA waiting to be printed, the longest-waiting resident first."""
    queue = Application.objects.filter(
        status=lifecycle.APPROVED, service__code__in=CARD_SERVICES
    ).select_related("service", "variant", "village")
    if districts is not None:
        queue = queue.filter(village__district_id__in=districts)
    return queue.order_by("submitted_at", "id")


def recent_batches(limit: int = 10):
    return (
        PrintBatch.objects.select_related("created_by")
        .prefetch_related("items")
        .order_by("-created_at", "-id")[:limit]
    )


def batch_detail(pk: int) -> PrintBatch:
    return PrintBatch.objects.select_related("created_by").get(pk=pk)


def batch_applications(batch: PrintBatch):
    return (
        Application.objects.filter(printbatchitem__batch=batch)
        .select_related("service")
        .order_by("submitted_at", "id")
    )


def batch_consumption(batch: PrintBatch):
    return batch.movements.select_related("item").order_by("item_id")
