from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("faelle/<str:reference>/", views.case_detail, name="case_detail"),
    path("faelle/<str:reference>/zuweisen/", views.case_assign_to_me, name="case_assign"),
    path("faelle/<str:reference>/genehmigen/", views.case_approve, name="case_approve"),
    path("faelle/<str:reference>/ablehnen/", views.case_reject, name="case_reject"),
    path("faelle/<str:reference>/nachfragen/", views.case_request_info, name="case_request_info"),
    path("faelle/<str:reference>/nachricht/", views.case_message, name="case_message"),
    path("faelle/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
    path("zugriffsprotokoll/", views.read_log, name="read_log"),
    path("statistik/", views.statistics, name="statistics"),
]
