from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<uuid:public_id>/", views.overview, name="overview"),
    path("<uuid:public_id>/zurueck/", views.payment_return, name="return"),
    path("<uuid:public_id>/quittung.pdf", views.receipt, name="receipt"),
]
