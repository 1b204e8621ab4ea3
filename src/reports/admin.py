from django.contrib import admin

from reports.models import CoverageTarget


@admin.register(CoverageTarget)
class CoverageTargetAdmin(admin.ModelAdmin):
    list_display = ("document", "year", "percent")
    list_filter = ("document",)
