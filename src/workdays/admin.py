from django.contrib import admin

from workdays.models import OfficeDay


@admin.register(OfficeDay)
class OfficeDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
