from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("leistungen/", views.service_list, name="service_list"),
]
