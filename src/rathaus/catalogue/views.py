from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_GET

from rathaus.core.page_cache import public_page

from . import selectors
from .selectors import MAX_QUERY_LENGTH


@require_GET
@public_page
def service_list(request):
    groups = selectors.services_by_life_situation(municipality=request.municipality)
    return render(request, "catalogue/service_list.html", {"groups": groups})


@require_GET
@public_page
def service_search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = (
        selectors.service_search(municipality=request.municipality, query=query) if query else []
    )
    return render(request, "catalogue/service_search.html", {"query": query, "results": results})


@require_GET
@public_page
def service_detail(request, slug: str):
    offering = selectors.service_for(municipality=request.municipality, slug=slug)
    context = {
        "offering": offering,
        "service": offering.service,
        "fee": offering.fee,
        "start_url": selectors.service_start_url(offering=offering),
        "booking_url": selectors.service_booking_url(offering=offering),
        "ways_template": _ways_template(offering.service.slug),
    }
    return render(request, "catalogue/service_detail.html", context)


def _ways_template(slug: str) -> str:
    """A service whose ways need more than the catalogue's text (another authority's online
    service, with a link) has a template ``catalogue/ways/<slug>.html``."""
    name = f"catalogue/ways/{slug}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return name
