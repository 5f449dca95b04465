"""Invented residents for a town's register, in bulk: the benchmark's 100,000 per town.

    python manage.py load_residents --count 100000 [--town norderstedt] [--seed 2]

Uses the demo register's generator (``register.demo.residents_load``): households at addresses of
the town's street directory, families with minors, secondary residences, one Auskunftssperre.
Residents already in the register stay; ``--seed`` makes the new ones differ from those the demo
data loaded (the same seed would write the same people a second time).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rathaus.tenants.models import Municipality

from ...demo import STREETS, residents_load


class Command(BaseCommand):
    help = "Add invented residents to the register of the demo towns (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="residents per town")
        parser.add_argument(
            "--town", action="append", default=[], help="town slug (repeatable; default: all)"
        )
        parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")

    def handle(self, *args, count: int, town: list[str], seed: int, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        towns = Municipality.objects.filter(slug__in=town or list(STREETS)).order_by("slug")
        if town and len(towns) != len(set(town)):
            raise CommandError(f"unknown town among {', '.join(town)}")
        for municipality in towns:
            written = residents_load(municipality=municipality, count=count, seed=seed, fresh=True)
            self.stdout.write(f"register: {written} residents added in {municipality.name}")
