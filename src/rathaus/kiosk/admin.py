"""A town's admin enrols, lists and revokes the town's Bürgerterminals in the admin site."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin

from .constants import ENROLMENT_CODE_LIFETIME
from .models import Terminal
from .services import terminal_enrolment_code_issue, terminal_revoke


@admin.register(Terminal)
class TerminalAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "office", "state", "enrolled_at", "last_seen_at"]
    list_filter = ["office"]
    fields = ["name", "office", "created_at", "enrolled_at", "last_seen_at", "revoked_at"]
    readonly_fields = ["created_at", "enrolled_at", "last_seen_at", "revoked_at"]
    actions = ["issue_code", "revoke"]

    @admin.display(description=_("status"))
    def state(self, terminal: Terminal) -> str:
        if terminal.revoked_at:
            return _("revoked")
        if terminal.device_token_digest:
            return _("enrolled")
        return _("waiting for enrolment")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self._show_code(request, obj)

    def _show_code(self, request, terminal: Terminal) -> None:
        code = terminal_enrolment_code_issue(terminal=terminal, actor=request.user)
        hours = int(ENROLMENT_CODE_LIFETIME.total_seconds() // 3600)
        messages.warning(
            request,
            _(
                "One-time code for terminal “%(name)s”: %(code)s (valid for %(hours)s hours, "
                "shown only now). On the terminal's browser open %(path)s and type it in."
            )
            % {"name": terminal.name, "code": code, "hours": hours, "path": reverse("kiosk:enrol")},
        )

    @admin.action(description=_("Issue a new one-time code for the selected terminals"))
    def issue_code(self, request, queryset):
        for terminal in queryset:
            self._show_code(request, terminal)

    @admin.action(description=_("Revoke the selected terminals"))
    def revoke(self, request, queryset):
        for terminal in queryset.filter(revoked_at__isnull=True):
            terminal_revoke(terminal=terminal, actor=request.user)
        messages.success(request, _("The selected terminals are revoked."))
