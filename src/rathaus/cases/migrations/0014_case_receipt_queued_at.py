"""When the follow-up of a case's submit (its decision rule, its receipt) was done.

Every case submitted before has had it: its receipt was sent then, so it is marked as done, at
its submit (or, lacking one, its last change), and the periodic task that takes up lost
follow-ups does not mail it again. One UPDATE, before the partial index is built, which then
holds next to nothing."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def receipt_queued_fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.exclude(status="draft").filter(receipt_queued_at__isnull=True).update(
        receipt_queued_at=Coalesce("submitted_at", "updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_reference_statistics")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="receipt_queued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(receipt_queued_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(receipt_queued_at__isnull=True, submitted_at__isnull=False),
                fields=["submitted_at"],
                name="case_receipt_pending_idx",
            ),
        ),
    ]
