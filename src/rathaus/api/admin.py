"""API tokens in the Django admin, per municipality.

The clear token is shown exactly once, on the page that answers the "add" form; it is not put in
a message, the session or the log, so no later page can show it again.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin, request_municipality
from rathaus.accounts.models import User

from . import services
from .models import ApiToken

CLEAR_TOKEN_ATTRIBUTE = "_rathaus_api_token_clear"


@admin.register(ApiToken)
class ApiTokenAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "prefix", "acting_user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "acting_user"]
        return [
            "name",
            "prefix",
            "acting_user",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["prefix", "acting_user", "created_by", "created_at", "last_used_at"]
        readonly.append("revoked_at")
        if obj.revoked:
            readonly.append("revoked")  # revoking is final
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "acting_user":
            kwargs["queryset"] = User.objects.filter(
                is_active=True,
                is_staff=True,
                memberships__municipality=request_municipality(request),
            ).order_by("email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Tokens are revoked, not deleted: audit events keep pointing at them.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            token, clear = services.api_token_create(
                municipality=request_municipality(request),
                name=obj.name,
                acting_user=obj.acting_user,
                created_by=request.user,
            )
            obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
            obj.municipality = token.municipality
            obj._state.adding, obj._state.db = False, token._state.db
            setattr(request, CLEAR_TOKEN_ATTRIBUTE, clear)
            return
        revoke = "revoked" in form.changed_data and obj.revoked
        obj.revoked = ApiToken.objects.get(pk=obj.pk).revoked
        obj.save(update_fields=["name"])
        if revoke:
            services.api_token_revoke(token=obj, actor=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        clear = getattr(request, CLEAR_TOKEN_ATTRIBUTE, None)
        if clear is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API token created"),
            "opts": self.opts,
            "token": obj,
            "clear_token": clear,
            "change_url": reverse("admin:api_apitoken_change", args=[obj.pk]),
            "list_url": reverse("admin:api_apitoken_changelist"),
        }
        response = TemplateResponse(request, "api/admin/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke selected API tokens"))
    def revoke_selected(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked=False):
            services.api_token_revoke(token=token, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
