from django.conf import settings


def municipality(request):
    return {
        "municipality": getattr(request, "municipality", None),
        "demo_mode": settings.RATHAUS_DEMO,
    }
