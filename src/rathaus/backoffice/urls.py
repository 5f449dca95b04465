from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("faelle/<str:reference>/", views.case_detail, name="case_detail"),
    path("faelle/<str:reference>/zuweisen/", views.case_assign_to_me, name="case_assign"),
    path("faelle/<str:reference>/genehmigen/", views.case_approve, name="case_approve"),
    path("faelle/<str:reference>/abschliessen/", views.case_complete, name="case_complete"),
    path("faelle/<str:reference>/ablehnen/", views.case_reject, name="case_reject"),
    path("faelle/<str:reference>/nachfragen/", views.case_request_info, name="case_request_info"),
    path("faelle/<str:reference>/nachricht/", views.case_message, name="case_message"),
    path(
        "faelle/<str:reference>/anhaenge/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "faelle/<str:reference>/dokumente/<uuid:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path("faelle/<str:reference>/codebrief/", views.case_code_letter, name="case_code_letter"),
    path("faelle/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
    path("faelle/<str:reference>/schritt/<slug:stage>/", views.case_stage, name="case_stage"),
    path("termine/", views.offices, name="offices"),
    path("zahlungen/", views.payment_list, name="payment_list"),
    path("zahlungen/export/", views.payment_export, name="payment_export"),
    path("zahlungen/<uuid:public_id>/", views.payment_detail, name="payment_detail"),
    path("zahlungen/<uuid:public_id>/gebuehr-erlassen/", views.payment_waive, name="payment_waive"),
    path(
        "zahlungen/<uuid:public_id>/erstattung/",
        views.payment_refund_request,
        name="payment_refund_request",
    ),
    path(
        "zahlungen/<uuid:public_id>/erstattung-bestaetigen/",
        views.payment_refund_confirm,
        name="payment_refund_confirm",
    ),
    path("zahlungen/<uuid:public_id>/geprueft/", views.payment_resolve, name="payment_resolve"),
    path("zugriffsprotokoll/", views.read_log, name="read_log"),
    path("statistik/", views.statistics, name="statistics"),
]
