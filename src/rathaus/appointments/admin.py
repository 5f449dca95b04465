"""Set-up of offices and calendars for a municipality's admins (scoped to their town)."""

from django.contrib import admin

from rathaus.core.admin import MunicipalityScopedAdmin, MunicipalityScopedInline

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
