"""The first clerk's text with a four-eyes approval is kept (encrypted, bound to its row), so the
confirming clerk starts from it instead of an empty field."""

from django.db import migrations

import rathaus.core.fields
from rathaus.core.encryption_migrations import row_id_operations


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_language")]

    operations = [
        *row_id_operations("cases", ["CaseApproval"]),
        migrations.AddField(
            model_name="caseapproval",
            name="text",
            field=rathaus.core.fields.EncryptedCharField(
                blank=True, max_length=2000, verbose_name="text"
            ),
        ),
    ]
