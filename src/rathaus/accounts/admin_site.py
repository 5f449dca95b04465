"""The Django admin, reachable only for staff who logged in with their second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _


class RathausAdminSite(AdminSite):
    site_header = _("Rathaus administration")
    site_title = _("Rathaus administration")
    index_title = _("Administration")

    def has_permission(self, request):
        # This module is loaded with INSTALLED_APPS, before any model may be imported.
        from rathaus.accounts.selectors import staff_membership_for

        user = request.user
        if not (user.is_active and user.is_staff and user.is_verified()):
            return False
        if user.is_superuser:
            return True
        return (
            staff_membership_for(user=user, municipality=getattr(request, "municipality", None))
            is not None
        )

    def login(self, request, extra_context=None):
        # One login for staff: password, then TOTP code (accounts:staff_login).
        target = request.GET.get("next") or resolve_url("admin:index")
        url = resolve_url("accounts:staff_login")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': target})}")


class RathausAdminConfig(AdminConfig):
    default_site = "rathaus.accounts.admin_site.RathausAdminSite"
