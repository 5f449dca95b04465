from django.urls import path

from . import views

app_name = "payments_demo"

urlpatterns = [
    path("token/", views.token, name="token"),
    path(
        "paymenttransaction/<str:originator_id>/<str:endpoint_id>",
        views.transactions,
        name="transactions",
    ),
    path(
        "paymenttransaction/<str:originator_id>/<str:endpoint_id>/<uuid:transaction_id>",
        views.transaction_detail,
        name="transaction_detail",
    ),
    path("bezahlen/<uuid:transaction_id>/", views.pay_page, name="pay_page"),
]
