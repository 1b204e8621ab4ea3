from django.contrib import admin

from catalogue.models import Requirement, Service, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0
    fields = [
        ("code", "variant", "order"),
        ("name_id", "name_en"),
        ("help_id", "help_en"),
        ("accepted_types", "required", "required_from_age"),
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "time_limit_workdays", "cost_idr", "active"]
    list_editable = ["time_limit_workdays", "active"]
    inlines = [VariantInline, RequirementInline]
