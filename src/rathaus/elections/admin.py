"""Elections in the Django admin, scoped to the admin's town (accounts.admin_scope): the election
and its rule set, its polling districts, the voter register's upload, and the moment the
candidate lists are approved (§28(1) BWO)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin, MunicipalityScopedInline

from . import services
from .forms import VoterRegisterUploadForm
from .models import District, Election, Voter


class DistrictInline(MunicipalityScopedInline):
    model = District
    extra = 1


@admin.register(Election)
class ElectionAdmin(MunicipalityScopedAdmin):
    list_display = ["title", "kind", "election_day", "candidate_lists_approved_at"]
    list_filter = ["kind"]
    readonly_fields = ["candidate_lists_approved_at"]
    inlines = [DistrictInline]
    actions = ["approve_candidate_lists"]
    change_form_template = "elections/admin/election_change_form.html"

    @admin.action(description=_("Mark the candidate lists as approved (§28(1) BWO)"))
    def approve_candidate_lists(self, request, queryset):
        for election in queryset:
            services.election_lists_approve(election=election, actor=request.user)
        self.message_user(request, _("Wahlscheine may now be issued."), messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/voter-register/",
                self.admin_site.admin_view(self.register_upload_view),
                name="elections_election_voter_register",
            )
        ]
        return own + super().get_urls()

    def register_upload_view(self, request, object_id):
        election = self.get_object(request, object_id)
        if election is None or not self.has_change_permission(request, election):
            return redirect("admin:index")
        form = VoterRegisterUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = services.voter_register_import(
                election=election, data=form.cleaned_data["file"].read(), actor=request.user
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import the voter register"),
            "election": election,
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "back": reverse("admin:elections_election_change", args=[election.pk]),
        }
        return render(request, "elections/admin/voter_register_upload.html", context)


@admin.register(Voter)
class VoterAdmin(MunicipalityScopedAdmin):
    """The voter register, read only: it changes by import and by issuing Wahlscheine."""

    municipality_lookup = "election__municipality"
    list_display = ["number", "district", "wahlschein_marked", "removed_at"]
    list_filter = ["election", "wahlschein_marked"]
    fields = [
        "election",
        "district",
        "number",
        "family_name",
        "given_names",
        "birth_date",
        "street",
        "house_number",
        "postal_code",
        "city",
        "wahlschein_marked",
        "removed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
