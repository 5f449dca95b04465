"""Base class for Django admin pages that show one municipality's data only.

The admin is reached under each town's host; ``request.municipality`` decides which rows an
admin sees. Only superusers and staff with the *admin* role in that municipality get in, and a
row of another municipality behaves as if it did not exist (404).

Usage::

    @admin.register(Service)
    class ServiceAdmin(MunicipalityScopedAdmin):
        list_display = ["name"]

Models whose municipality is reached through a relation set ``municipality_lookup``
(e.g. ``"office__municipality"``); such rows are not assigned a municipality on save, so limit
their foreign-key choices (done automatically for related models with a ``municipality`` field).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404

from rathaus.tenants.models import Municipality

from .constants import StaffRole
from .selectors import role_satisfies, staff_membership_for


def request_municipality(request):
    return getattr(request, "municipality", None)


def is_municipality_admin(request) -> bool:
    """Superuser, or a staff member with the admin role in ``request.municipality``."""
    user = request.user
    if not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    cached = getattr(request, "_rathaus_admin_role", None)
    if cached is None:
        membership = staff_membership_for(user=user, municipality=request_municipality(request))
        cached = membership.role if membership else ""
        request._rathaus_admin_role = cached
    return role_satisfies(cached or None, StaffRole.ADMIN)


def _has_municipality_field(model) -> bool:
    try:
        field = model._meta.get_field("municipality")
    except FieldDoesNotExist:
        return False
    return getattr(field, "related_model", None) is Municipality


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A list filter on a relation that offers the own municipality's rows only (Django's own
    offers every row of the related table, e.g. every town's offices)."""

    def field_choices(self, field, request, model_admin):
        queryset = model_admin._scope_related(request, field.related_model._default_manager.all())
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(row.pk, str(row)) for row in queryset]


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin that shows, edits and creates rows of ``request.municipality`` only."""

    #: Path from the model to its municipality; "pk" for the Municipality model itself.
    municipality_lookup = "municipality"

    # --- permissions -------------------------------------------------------------------------
    def has_scoped_access(self, request) -> bool:
        return request_municipality(request) is not None and is_municipality_admin(request)

    def has_module_permission(self, request):
        return self.has_scoped_access(request)

    def has_view_permission(self, request, obj=None):
        return self.has_scoped_access(request) and self._obj_in_scope(request, obj)

    def has_add_permission(self, request):
        return self.has_scoped_access(request)

    def has_change_permission(self, request, obj=None):
        return self.has_scoped_access(request) and self._obj_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_scoped_access(request) and self._obj_in_scope(request, obj)

    def _obj_in_scope(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    # --- rows --------------------------------------------------------------------------------
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        municipality = request_municipality(request)
        if municipality is None:
            return queryset.none()
        value = municipality.pk if self.municipality_lookup == "pk" else municipality
        return queryset.filter(**{self.municipality_lookup: value})

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another town's row and a missing row look the same.
        raise Http404

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self.municipality_lookup == "municipality" and "municipality" not in exclude:
            exclude.append("municipality")
        return exclude

    def save_model(self, request, obj, form, change):
        if self.municipality_lookup == "municipality":
            obj.municipality = request_municipality(request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if _has_municipality_field(type(instance)):
                instance.municipality = request_municipality(request)
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    # --- choices -----------------------------------------------------------------------------
    def get_list_filter(self, request):
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, ScopedRelatedFieldListFilter)
            scoped.append(item)
        return scoped

    def _scope_related(self, request, queryset):
        municipality = request_municipality(request)
        if municipality is None:
            return queryset.none()
        model = queryset.model
        if model is Municipality:
            return queryset.filter(pk=municipality.pk)
        if _has_municipality_field(model):
            return queryset.filter(municipality=municipality)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scope_related(request, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scope_related(request, formfield.queryset)
        return formfield


class MunicipalityScopedInline(admin.TabularInline):
    """Inline for rows with their own ``municipality`` field (set from the parent's town)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        municipality = request_municipality(request)
        if municipality is None:
            return queryset.none()
        if _has_municipality_field(self.model):
            return queryset.filter(municipality=municipality)
        return queryset

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if _has_municipality_field(self.model) and "municipality" not in exclude:
            exclude.append("municipality")
        return exclude

    def has_view_permission(self, request, obj=None):
        return is_municipality_admin(request)

    def has_add_permission(self, request, obj=None):
        return is_municipality_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_municipality_admin(request)

    def has_delete_permission(self, request, obj=None):
        return is_municipality_admin(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = MunicipalityScopedAdmin._scope_related(
                self, request, formfield.queryset
            )
        return formfield
