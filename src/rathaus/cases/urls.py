from django.urls import path, re_path

from . import views

app_name = "cases"

urlpatterns = [
    path("meine/", views.my_cases, name="my_cases"),
    path("status/", views.status_lookup, name="status_lookup"),
    path("meine/<str:reference>/", views.case_detail, name="case_detail"),
    path("meine/<str:reference>/zurueckziehen/", views.case_withdraw, name="case_withdraw"),
    path(
        "meine/<str:reference>/anhaenge/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "meine/<str:reference>/eingangsbestaetigung.pdf",
        views.receipt_download,
        name="receipt_download",
    ),
    path(
        "meine/<str:reference>/dokumente/<uuid:document_id>/",
        views.issued_document_download,
        name="issued_document_download",
    ),
    path(
        "eingereicht/<uuid:public_id>/eingangsbestaetigung.pdf",
        views.confirmation_receipt_download,
        name="confirmation_receipt_download",
    ),
    path("eingereicht/<uuid:public_id>/", views.confirmation, name="confirmation"),
    path("<slug:procedure_key>/start/", views.start, name="start"),
    path("<slug:procedure_key>/<uuid:public_id>/pruefen/", views.check, name="check"),
    # Question pages with a file (slug "anhang…") before the generic question page.
    re_path(
        r"^(?P<procedure_key>[-a-zA-Z0-9_]+)/(?P<public_id>[0-9a-f-]{36})/"
        r"(?P<page_slug>anhang[-a-z0-9]*)/$",
        views.attachment_page,
        name="attachment_page",
    ),
    path("<slug:procedure_key>/<uuid:public_id>/<slug:page_slug>/", views.page, name="page"),
    # Repeating groups ("add another"): add, change and remove one entry.
    path(
        "<slug:procedure_key>/<uuid:public_id>/<slug:page_slug>/neu/",
        views.group_item,
        name="group_add",
    ),
    path(
        "<slug:procedure_key>/<uuid:public_id>/<slug:page_slug>/<int:index>/",
        views.group_item,
        name="group_item",
    ),
    path(
        "<slug:procedure_key>/<uuid:public_id>/<slug:page_slug>/<int:index>/entfernen/",
        views.group_remove,
        name="group_remove",
    ),
]
