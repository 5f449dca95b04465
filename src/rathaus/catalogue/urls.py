from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("leistungen/", views.service_list, name="service_list"),
    path("leistungen/suche/", views.service_search, name="service_search"),
    path("leistungen/<slug:slug>/", views.service_detail, name="service_detail"),
]
