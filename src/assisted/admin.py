from django.contrib import admin

from assisted.models import OperatorArea


@admin.register(OperatorArea)
class OperatorAreaAdmin(admin.ModelAdmin):
    """Where each operator desa (one village) or operator kecamatan (one district) works."""

    list_display = ["operator", "village", "district"]
    list_select_related = ["operator", "village", "district"]
    search_fields = ["operator__username", "village__name", "district__name"]
    raw_id_fields = ["operator", "village", "district"]
