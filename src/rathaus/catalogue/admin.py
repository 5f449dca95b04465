from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin

from .models import LifeSituation, MunicipalityService, Service


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """The catalogue is shared by every municipality: only superusers change it."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(LifeSituation)
class LifeSituationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "leika_key", "delivery_mode", "popular_rank", "is_active"]
    list_filter = ["delivery_mode", "trust_level", "is_active", "life_situations"]
    search_fields = ["name", "slug", "leika_key", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["life_situations"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "leika_key", "is_active", "popular_rank"]}),
        (
            _("Texts"),
            {
                "fields": [
                    "summary",
                    "description",
                    "keywords",
                    "who_may_apply",
                    "required_documents",
                    "legal_basis",
                    "processing_time",
                ]
            },
        ),
        (
            _("Texts in English"),
            {
                "description": _("Empty fields show the German text on English pages."),
                "fields": [
                    "name_en",
                    "summary_en",
                    "description_en",
                    "who_may_apply_en",
                    "required_documents_en",
                    "legal_basis_en",
                    "processing_time_en",
                    "fee_note_en",
                ],
            },
        ),
        (_("Procedure"), {"fields": ["delivery_mode", "trust_level", "life_situations"]}),
        (_("Fee"), {"fields": ["fee_rule", "fee_note"]}),
    ]


@admin.register(MunicipalityService)
class MunicipalityServiceAdmin(MunicipalityScopedAdmin):
    list_display = ["__str__", "service", "is_enabled", "fee_override"]
    list_filter = ["is_enabled"]
    list_select_related = ["service"]
    search_fields = ["service__name", "name_override"]
    fields = [
        "service",
        "is_enabled",
        "fee_override",
        "name_override",
        "summary_override",
        "description_override",
        "name_override_en",
        "summary_override_en",
        "description_override_en",
    ]
