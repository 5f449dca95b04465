from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from rathaus.core.demo import DEMO_LOADERS


class Command(BaseCommand):
    help = "Load the demo municipalities, catalogue, accounts and cases (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for dotted in DEMO_LOADERS:
                try:
                    loader = import_string(dotted)
                except ImportError:
                    continue
                loader(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
