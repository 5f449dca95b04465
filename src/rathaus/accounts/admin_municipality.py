from django.contrib import admin

from rathaus.tenants.models import Municipality

from .admin_scope import MunicipalityScopedAdmin


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    """A town's admin edits its own town's record; only superusers create or delete towns."""

    municipality_lookup = "pk"
    list_display = ["name", "slug", "ags", "state"]
    readonly_fields = ["slug", "ags", "state", "reference_prefix"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return self.readonly_fields

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
