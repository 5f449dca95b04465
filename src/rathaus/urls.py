from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # First: the API takes the most requests per second and its prefix is its own.
    path("api/v1/", include("rathaus.api.urls")),
    path("verwaltung/briefwahl/", include("rathaus.elections.office_urls")),
    path("verwaltung/", include("rathaus.backoffice.urls")),
    path("verwaltung/admin/", admin.site.urls),
    path("konto/", include("rathaus.accounts.urls")),
    path("", include("rathaus.notifications.urls")),
    path("anliegen/", include("rathaus.cases.urls")),
    path("anliegen/", include("rathaus.procedures.urls")),
    path("pruefen/", include("rathaus.documents.urls")),
    path("termine/", include("rathaus.appointments.urls")),
    path("briefwahl/", include("rathaus.elections.urls")),
    path("terminal/", include("rathaus.kiosk.urls")),
    path("bezahlen/", include("rathaus.payments.urls")),
    path("demo-bezahlplattform/", include("rathaus.payments.providers.demo.urls")),
    path("", include("rathaus.web.urls")),
    path("", include("rathaus.catalogue.urls")),
]

handler404 = "rathaus.web.errors.not_found"
