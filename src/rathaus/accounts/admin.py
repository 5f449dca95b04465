from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import admin_municipality  # noqa: F401  (registers the Municipality admin)
from .admin_scope import MunicipalityScopedAdmin, is_municipality_admin, request_municipality
from .models import (
    LandlordMembership,
    LandlordOrganisation,
    StaffMembership,
    TOTPDevice,
    User,
    email_digest,
)
from .selectors import user_by_email
from .services import (
    landlord_member_active_set,
    landlord_member_add,
    landlord_organisation_save,
    totp_provisioning_uri,
    totp_qr_svg,
)


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


# --- landlord organisations (§19 BMG) ------------------------------------------------------------
@admin.register(LandlordOrganisation)
class LandlordOrganisationAdmin(MunicipalityScopedAdmin):
    """A town's admin enrols the housing companies it has checked in the commercial register and
    deactivates them; the organisation's members are managed on their own admin page. Rows are
    kept (cases name the organisation), so only superusers delete."""

    list_display = ["name", "register_number", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "register_number"]
    fields = ["name", "street", "postal_code", "city", "register_number", "is_active"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        municipality = request_municipality(request)

        class RegisterEntryForm(form):
            def clean(self):
                cleaned = super().clean()
                number = cleaned.get("register_number")
                taken = LandlordOrganisation.objects.filter(
                    municipality=municipality, register_number=number
                ).exclude(pk=self.instance.pk)
                if number and taken.exists():
                    self.add_error(
                        "register_number",
                        _("An organisation with this register entry is already enrolled."),
                    )
                return cleaned

        return RegisterEntryForm

    def save_model(self, request, obj, form, change):
        obj.municipality = request_municipality(request)
        landlord_organisation_save(organisation=obj, actor=request.user, created=not change)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class LandlordMemberAddForm(forms.ModelForm):
    """A new member by e-mail address: an existing account, or one made with the names given."""

    email = forms.EmailField(label=_("e-mail address"))
    given_name = forms.CharField(label=_("given name"), max_length=120, required=False)
    family_name = forms.CharField(label=_("family name"), max_length=120, required=False)

    class Meta:
        model = LandlordMembership
        fields = ["organisation"]

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        named = cleaned.get("given_name") and cleaned.get("family_name")
        if email and not named and user_by_email(email=email) is None:
            self.add_error(
                "given_name",
                _(
                    "No account has this e-mail address yet. Enter the person's given and family "
                    "name to create one."
                ),
            )
        return cleaned


@admin.register(LandlordMembership)
class LandlordMembershipAdmin(MunicipalityScopedAdmin):
    """The persons a landlord organisation authorises (§19(1) sentence 2 BMG). Added by e-mail
    address; removed by taking away the authorisation, which keeps the row."""

    municipality_lookup = "organisation__municipality"
    list_display = ["member", "organisation", "is_active"]
    list_filter = ["is_active", "organisation"]
    add_fields = ["organisation", "email", "given_name", "family_name"]
    change_fields = ["organisation", "member", "is_active", "added_at", "removed_at"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["organisation", "member", "added_at", "removed_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = LandlordMemberAddForm
        return super().get_form(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "user")

    @admin.display(description=_("member"))
    def member(self, obj):
        return f"{obj.user.full_name} <{obj.user.email}>"

    def save_model(self, request, obj, form, change):
        if change:
            landlord_member_active_set(
                membership=obj, active=form.cleaned_data["is_active"], actor=request.user
            )
            return
        data = form.cleaned_data
        membership = landlord_member_add(
            organisation=data["organisation"],
            email=data["email"],
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            actor=request.user,
        )
        obj.pk, obj.user, obj.is_active = membership.pk, membership.user, membership.is_active
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
