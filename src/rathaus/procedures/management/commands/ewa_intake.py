"""Take in the Anmeldungen waiting in a town's eWA drop folder (the demo's stand-in for the
national online registration service's connection)."""

from django.core.management.base import BaseCommand, CommandError

from rathaus.accounts.models import User, email_digest
from rathaus.procedures.anmeldung.ewa import ewa_drop_folder, ewa_drop_read
from rathaus.tenants.models import Municipality


class Command(BaseCommand):
    help = "Read eWA Anmeldungen (XMeld 1704 structure) from the town's drop folder into cases."

    def add_arguments(self, parser):
        parser.add_argument("--town", required=True, help="the municipality's slug")
        parser.add_argument("--clerk", required=True, help="e-mail of the clerk taking them in")

    def handle(self, *args, town, clerk, **options):
        municipality = Municipality.objects.filter(slug=town).first()
        if municipality is None:
            raise CommandError(f"no town {town!r}")
        actor = User.objects.filter(email_digest=email_digest(clerk), is_staff=True).first()
        if actor is None:
            raise CommandError("no staff member with this e-mail address")
        taken, refused = ewa_drop_read(municipality=municipality, actor=actor)
        self.stdout.write(f"{ewa_drop_folder(municipality)}: {taken} taken in, {refused} refused\n")
