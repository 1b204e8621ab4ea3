from django.contrib import admin

from production.models import PrintBatch, StockMovement, SupplyItem


@admin.register(SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    """Names, yields and thresholds are edited here; stock changes only through the back-office
    forms (receive, count) and print batches, so every change has a movement."""

    list_display = ["name", "code", "unit", "on_hand", "yield_per_unit", "low_stock_threshold"]
    readonly_fields = ["on_hand", "cards_on_current_unit"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["at", "item", "reason", "delta", "on_hand_after", "cards", "officer"]
    list_filter = ["item", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "status", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
