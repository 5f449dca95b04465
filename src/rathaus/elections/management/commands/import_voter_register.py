"""Import an election's voter register from a CSV file: the same service as the admin's upload."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.elections import services
from rathaus.elections.models import Election


class Command(BaseCommand):
    help = "Replace an election's voter register by a CSV file and report rejected lines."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="the town's slug")
        parser.add_argument("--election", required=True, help="the election's public id")
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            election = Election.objects.get(
                municipality__slug=options["municipality"], public_id=options["election"]
            )
        except (Election.DoesNotExist, ValueError) as exc:
            raise CommandError("No such election in this municipality.") from exc
        report = services.voter_register_import(
            election=election, data=options["file"].read_bytes()
        )
        if report.header_error:
            raise CommandError(report.header_error)
        self.stdout.write(
            f"imported {report.imported} (new {report.created}, updated {report.updated}), "
            f"removed {report.removed}, kept for their application {report.kept_removed}, "
            f"rejected {len(report.rejected)}"
        )
        for line, reason in report.rejected:
            self.stdout.write(f"line {line}: {reason}")
        if report.rejected:
            self.stderr.write(f"{len(report.rejected)} line(s) rejected")
