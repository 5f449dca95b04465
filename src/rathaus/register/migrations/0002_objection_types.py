import datetime

from django.db import migrations

# The objections to data transfers the BMG offers, with the dates they are in force. The
# Bundeswehr objection (§36(2) BMG) ended on 1 January 2026: it stays listed for the record, new
# ones are refused, and existing ones are void and deleted below.
OBJECTIONS = [
    ("parteien-wahlen", "Parteien, Wählergruppen und andere Träger von Wahlvorschlägen vor Wahlen und Abstimmungen",
     "Parties, voter groups and other nominating bodies before elections and votes", "§ 50 Abs. 1 BMG", None),
    ("jubilaeen", "Mandatsträger, Presse und Rundfunk bei Alters- und Ehejubiläen",
     "Mandate holders, press and broadcasters for birthday and wedding anniversaries", "§ 50 Abs. 2 BMG", None),
    ("adressbuchverlage", "Adressbuchverlage", "Address book publishers", "§ 50 Abs. 3 BMG", None),
    ("religionsgesellschaft-familie", "Öffentlich-rechtliche Religionsgesellschaft eines Familienangehörigen",
     "The public-law religious community of a family member", "§ 42 Abs. 3 BMG", None),
    ("bundeswehr", "Bundeswehr (Informationsmaterial)", "Federal armed forces (information material)",
     "§ 36 Abs. 2 BMG", datetime.date(2025, 12, 31)),
]


def objections_load(apps, schema_editor):
    ObjectionType = apps.get_model("register", "ObjectionType")
    Block = apps.get_model("register", "Block")
    for key, name, name_en, basis, until in OBJECTIONS:
        ObjectionType.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "name_en": name_en,
                "legal_basis": basis,
                "valid_from": datetime.date(2015, 11, 1),
                "valid_until": until,
            },
        )
    # Objections whose law has ended are void: delete them.
    Block.objects.filter(objection__valid_until__lt=datetime.date(2026, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(objections_load, migrations.RunPython.noop)]
