"""PostgreSQL keeps a finer histogram of the reference numbers, so that a search by a reference's
prefix ("NOR-2025-0245") is estimated well and read through the reference index.

With the default statistics target (100 buckets) a prefix of a hundred cases among 200,000 was
estimated at over a thousand, and the planner walked the inbox's date order filtering some 67,000
rows (40 ms) instead of reading the hundred from the index (0.3 ms; docs/backoffice.md). SQLite
has no such setting."""

from django.db import migrations

REFERENCE_STATISTICS = 1000


def reference_statistics(apps, schema_editor, value=REFERENCE_STATISTICS):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("cases", "Case")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN reference SET STATISTICS {int(value)}")


def reference_statistics_reset(apps, schema_editor):
    reference_statistics(apps, schema_editor, value=-1)  # the server's default


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_caseapproval_text")]

    operations = [migrations.RunPython(reference_statistics, reference_statistics_reset)]
