from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from rathaus.catalogue.selectors import service_popular_for
from rathaus.core.language import language_cookie_set
from rathaus.core.page_cache import public_page
from rathaus.core.translated import shown_language, translated

from .theme import theme_css_text

LEGAL_PAGES = {
    "imprint": ("imprint", "Imprint"),
    "privacy": ("privacy_notice", "Privacy notice"),
    "accessibility": ("accessibility_statement", "Accessibility statement"),
    "easy_language": ("easy_language", "Leichte Sprache"),
}


@require_GET
@public_page
def legal_page(request, page: str):
    field, _title = LEGAL_PAGES[page]
    town = request.municipality
    return render(
        request,
        f"web/{page}.html",
        {"text": translated(town, field), "text_lang": shown_language(town, field)},
    )


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The municipality's accent colour as CSS custom properties (no inline styles under CSP)."""
    css = theme_css_text(request.municipality.accent_colour)
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def logo(request):
    if not request.municipality.logo:
        raise Http404
    return FileResponse(request.municipality.logo.open("rb"))


@require_GET
def demo_tools(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    return render(request, "web/demo.html")


@require_GET
@public_page
def home(request):
    popular = service_popular_for(municipality=request.municipality)
    return render(request, "web/home.html", {"popular": popular})


@require_GET
def language_switch(request, code: str):
    """A plain link switches the language, so public pages carry no per-visitor form token
    and can be served from the page cache. Only a path on this host is accepted as ``next``."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return language_cookie_set(redirect(next_url), language=code)
