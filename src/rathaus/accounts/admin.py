from django.contrib import admin
from django.db.models import Q
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import admin_municipality  # noqa: F401  (registers the Municipality admin)
from .admin_scope import MunicipalityScopedAdmin, is_municipality_admin, request_municipality
from .models import StaffMembership, TOTPDevice, User, email_digest
from .services import totp_provisioning_uri, totp_qr_svg


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

        raise Http404


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Authenticator apps of staff accounts, for superusers: add one for a new staff member and
    show its QR code once to enrol the app; delete one so that a lost phone can be replaced."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    fields = ["user", "name", "confirmed", "enrolment_qr_code"]
    readonly_fields = ["enrolment_qr_code"]
    raw_id_fields = ["user"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("QR code for the authenticator app"))
    def enrolment_qr_code(self, obj):
        if obj is None or obj.pk is None:
            return _("Save first; the QR code is shown then.")
        uri = totp_provisioning_uri(key=obj.key, account=obj.user.email, issuer="Rathaus")
        return mark_safe(totp_qr_svg(uri=uri, title=str(_("QR code"))))  # noqa: S308 - segno's SVG
