"""Set-up of offices and calendars for a municipality's admins (scoped to their town)."""

from django.contrib import admin

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin, MunicipalityScopedInline

from .models import (
    Booking,
    BookingPolicy,
    ClosureDay,
    Counter,
    Office,
    OfficeService,
    OpeningHours,
    StaffAbsence,
)


class CounterInline(MunicipalityScopedInline):
    model = Counter
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        services = formset.form.base_fields.get("services")
        if services is not None:
            # Only the services of this office (of this town) can be chosen for its counters.
            services.queryset = (
                OfficeService.objects.filter(municipality=obj.municipality, office=obj)
                if obj is not None
                else OfficeService.objects.none()
            )
        return formset


class OfficeServiceInline(MunicipalityScopedInline):
    model = OfficeService
    extra = 0


class OpeningHoursInline(MunicipalityScopedInline):
    model = OpeningHours
    extra = 0


class BookingPolicyInline(MunicipalityScopedInline):
    model = BookingPolicy
    extra = 0
    max_num = 1


@admin.register(Office)
class OfficeAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "slug", "city", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BookingPolicyInline, CounterInline, OfficeServiceInline, OpeningHoursInline]


@admin.register(ClosureDay)
class ClosureDayAdmin(MunicipalityScopedAdmin):
    list_display = ["date", "office", "starts", "ends", "reason"]
    list_filter = ["office"]


@admin.register(StaffAbsence)
class StaffAbsenceAdmin(MunicipalityScopedAdmin):
    list_display = ["office", "starts_at", "ends_at", "counters", "note"]
    list_filter = ["office"]


@admin.register(Booking)
class BookingAdmin(MunicipalityScopedAdmin):
    """Read-only overview; bookings change only through the services (status transitions)."""

    list_display = ["code", "office", "start", "status"]
    list_filter = ["office", "status"]
    search_fields = ["code"]
    fields = ["code", "office", "start", "end", "status", "confirmed_at", "cancelled_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
