"""Pages a procedure serves on a submitted case itself (reached from the applicant's case page,
``Procedure.case_actions``)."""

from django.urls import path

from .anmeldung import views as anmeldung_views

app_name = "procedures"

urlpatterns = [
    path(
        "meine/<str:reference>/codebrief/",
        anmeldung_views.code_letter_enter,
        name="code_letter_enter",
    ),
    path(
        "meine/<str:reference>/zustimmungscode/",
        anmeldung_views.custody_consent_code_new,
        name="custody_consent_code_renew",
    ),
    # The other parent's consent to a child's move, with the code the applicant passed on.
    path("zustimmung/", anmeldung_views.custody_consent, name="custody_consent"),
]
