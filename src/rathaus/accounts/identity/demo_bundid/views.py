from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rathaus.accounts import demo
from rathaus.accounts.services import session_start

from .provider import demo_bundid


def demo_bundid_login(request):
    """Pretend eID login: pick a demo resident and be logged in at trust level "high"."""
    if not settings.RATHAUS_DEMO:
        raise Http404
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("accounts:profile")
    residents = demo.demo_citizens()
    if request.method == "POST":
        chosen = next((u for u in residents if str(u.pk) == request.POST.get("resident")), None)
        if chosen is not None:
            session_start(
                request=request,
                user=chosen,
                trust_level=demo_bundid.trust_level,
                provider=demo_bundid.key,
                identity=demo.demo_identity(chosen),
            )
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/demo_bundid.html",
        {"residents": residents, "next": next_url, "provider": demo_bundid},
    )
