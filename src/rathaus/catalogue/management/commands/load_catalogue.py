from django.core.management.base import BaseCommand, CommandError

from rathaus.catalogue.services import catalogue_load_default, municipality_services_enable_all
from rathaus.tenants.models import Municipality


class Command(BaseCommand):
    help = (
        "Load the default service catalogue (idempotent). With --municipality (repeatable) or "
        "--all-municipalities, also enable every catalogue service there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", action="append", default=[], metavar="SLUG")
        parser.add_argument("--all-municipalities", action="store_true")

    def handle(self, *args, **options):
        services = catalogue_load_default()
        towns = Municipality.objects.none()
        if options["all_municipalities"]:
            towns = Municipality.objects.all()
        elif options["municipality"]:
            towns = Municipality.objects.filter(slug__in=options["municipality"])
            missing = set(options["municipality"]) - set(towns.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"unknown municipality: {', '.join(sorted(missing))}")
        for town in towns:
            municipality_services_enable_all(municipality=town, services=services)
            self.stdout.write(f"{town.slug}: {len(services)} services enabled")
        self.stdout.write(self.style.SUCCESS(f"catalogue loaded: {len(services)} services"))
