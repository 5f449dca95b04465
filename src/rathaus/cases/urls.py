from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("meine/", views.my_cases, name="my_cases"),
    path("meine/<str:reference>/", views.case_detail, name="case_detail"),
    path("meine/<str:reference>/zurueckziehen/", views.case_withdraw, name="case_withdraw"),
    path("eingereicht/<uuid:public_id>/", views.confirmation, name="confirmation"),
    path("<slug:procedure_key>/start/", views.start, name="start"),
    path("<slug:procedure_key>/<uuid:public_id>/pruefen/", views.check, name="check"),
    path("<slug:procedure_key>/<uuid:public_id>/<slug:page_slug>/", views.page, name="page"),
]
