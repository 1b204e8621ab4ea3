from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import OfficerScope, User


class OfficerScopeInline(admin.TabularInline):
    model = OfficerScope
    extra = 0
    autocomplete_fields = ["district"]
    verbose_name = "kecamatan scope (verifier / operator)"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Officers: staff status, role groups and kecamatan scope. Residents sign in by phone."""

    list_display = ["username", "phone", "is_staff", "role_list", "is_active"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["username", "phone", "first_name", "last_name"]
    inlines = [OfficerScopeInline]
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Loket", {"fields": ("phone", "preferred_language")}),
    )

    @admin.display(description="roles")
    def role_list(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
