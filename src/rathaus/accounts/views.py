from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


@login_required
def profile(request):
    return render(request, "accounts/profile.html")


def demo_totp(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    return render(request, "accounts/demo_totp.html")


def demo_bundid(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    return render(request, "accounts/demo_bundid.html")
