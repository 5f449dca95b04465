from django.contrib import admin
from django.db.models import Q

from . import admin_municipality  # noqa: F401  (registers the Municipality admin)
from .admin_scope import MunicipalityScopedAdmin, is_municipality_admin, request_municipality
from .models import StaffMembership, User, email_digest


@admin.register(StaffMembership)
class StaffMembershipAdmin(MunicipalityScopedAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and formfield is not None:
            # Staff of this town, or staff accounts not yet placed in any town: never citizens,
            # never another town's staff.
            municipality = request_municipality(request)
            formfield.queryset = (
                User.objects.filter(is_staff=True)
                .filter(Q(memberships__municipality=municipality) | Q(memberships__isnull=True))
                .distinct()
            )
        return formfield


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Staff accounts. Superusers manage every account; a town's admin sees its own staff."""

    list_display = ["__str__", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    ordering = ["-date_joined"]
    fields = ["given_name", "family_name", "is_active", "is_staff", "is_superuser"]
    town_admin_readonly = ["is_staff", "is_superuser"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        municipality = request_municipality(request)
        if municipality is None:
            return queryset.none()
        return queryset.filter(is_staff=True, memberships__municipality=municipality).distinct()

    def get_fields(self, request, obj=None):
        return ["email", *self.fields] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else self.town_admin_readonly

    def save_model(self, request, obj, form, change):
        if not change:
            obj.email_digest = email_digest(obj.email)
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def _obj_in_scope(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return is_municipality_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_municipality_admin(request) and self._obj_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_municipality_admin(request) and self._obj_in_scope(request, obj)

    def has_add_permission(self, request):
        # Creating accounts (with a password and TOTP device) is a superuser task.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        from django.http import Http404

        raise Http404
