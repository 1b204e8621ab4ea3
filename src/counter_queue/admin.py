from django.contrib import admin

from counter_queue.models import Booking, Counter, OpeningHours, QueueService, Ticket


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    """Hours per weekday; holidays and office closures come from the working-day calendar."""

    list_display = ["weekday", "opens_at", "closes_at", "slot_minutes"]


@admin.register(QueueService)
class QueueServiceAdmin(admin.ModelAdmin):
    list_display = [
        "letter", "service", "daily_quota", "visits_per_counter", "grace_minutes", "bookable"
    ]  # fmt: skip


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["number", "active"]
    filter_horizontal = ["services"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Bookings and tickets change only through the queue's services (places, board)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["code", "service", "slot", "status", "channel", "created_at"]
    list_filter = ["status", "service"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["date", "label", "status", "counter", "issued_at", "called_at"]
    list_filter = ["date", "status", "service"]
