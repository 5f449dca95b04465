"""Demo catalogue: the default services, enabled in both demo towns (Reinbek's own fee)."""

from rathaus.tenants.models import Municipality

from .defaults import DEMO_FEE_OVERRIDES
from .services import catalogue_load_default, municipality_services_enable_all


def load(*, stdout=None) -> None:
    services = catalogue_load_default()
    for municipality in Municipality.objects.filter(slug__in=DEMO_FEE_OVERRIDES):
        municipality_services_enable_all(
            municipality=municipality,
            services=services,
            fee_overrides=DEMO_FEE_OVERRIDES[municipality.slug],
        )
    if stdout is not None:
        stdout.write(f"catalogue: {len(services)} services")
