from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.throttle import client_ip, lookup_allowed
from rathaus.catalogue.selectors import service_popular_for, services_online_for
from rathaus.core.language import language_cookie_set
from rathaus.core.page_cache import public_page
from rathaus.core.translated import in_english, shown_language, translated
from rathaus.procedures.accessibility_feedback.pages import FeedbackPage
from rathaus.procedures.accessibility_feedback.services import accessibility_feedback_submit

from .theme import theme_css_text

LEGAL_PAGES = {
    "imprint": ("imprint", "Imprint"),
    "privacy": ("privacy_notice", "Privacy notice"),
    "accessibility": ("accessibility_statement", "Accessibility statement"),
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
@public_page
def easy_language(request):
    """Leichte Sprache (in English: easy read): the town's own text, and every service that can
    be done online here, each explained in a few plain sentences."""
    language = "en" if in_english() else "de"
    services = [
        {
            "offering": offering,
            "start_url": start_url,
            "text": select_template(
                [
                    f"web/easy_read/{language}/{offering.slug}.html",
                    f"web/easy_read/{language}/_service.html",
                ]
            ),
        }
        for offering, start_url in services_online_for(municipality=request.municipality)
    ]
    town = request.municipality
    return render(
        request,
        "web/easy_language.html",
        {
            "easy_language": language,
            "services": services,
            # The town's own text exists in German only: it is shown on the German page.
            "text": town.easy_language if language == "de" else "",
        },
    )


@require_GET
@public_page
def sign_language(request):
    """The page in German Sign Language (DGS): the town's video, and the same content as text."""
    return render(request, "web/sign_language.html")


@require_GET
@cache_control(max_age=3600, public=True)
def sign_language_video(request):
    video = request.municipality.sign_language_video
    if not video:
        raise Http404
    content_type = "video/webm" if video.name.lower().endswith(".webm") else "video/mp4"
    return FileResponse(video.open("rb"), content_type=content_type)


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


# Feedback on accessibility needs no account; like the other public forms it is limited per
# client address, generously enough for a town hall's shared address.
FEEDBACK_PER_ADDRESS = 10
FEEDBACK_WINDOW = 60 * 60
SESSION_FEEDBACK_REFERENCE = "rathaus_accessibility_feedback"


@require_http_methods(["GET", "POST"])
def accessibility_feedback(request):
    """The accessibility statement's feedback form; each message becomes a case of the town."""
    form = FeedbackPage(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if lookup_allowed(
            scope="accessibility-feedback",
            ip=client_ip(request),
            limit=FEEDBACK_PER_ADDRESS,
            window=FEEDBACK_WINDOW,
        ):
            case = accessibility_feedback_submit(
                municipality=request.municipality,
                cleaned_data=form.cleaned_data,
                actor=request.user,
            )
            request.session[SESSION_FEEDBACK_REFERENCE] = case.reference
            return redirect("web:accessibility_feedback_sent")
        form.add_error(
            None, _("Too many messages from your connection. Please try again in an hour.")
        )
        status = 429
    return render(request, "web/accessibility_feedback.html", {"form": form}, status=status)


@require_GET
def accessibility_feedback_sent(request):
    reference = request.session.get(SESSION_FEEDBACK_REFERENCE)
    if not reference:
        return redirect("web:accessibility_feedback")
    return render(request, "web/accessibility_feedback_sent.html", {"reference": reference})
