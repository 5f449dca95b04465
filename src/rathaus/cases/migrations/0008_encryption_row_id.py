"""Bind the encrypted values to their rows: a random row id per row, and every existing
ciphertext re-encrypted with its table, column and row id as associated data (core.fields)."""

from django.db import migrations

from rathaus.core.encryption_migrations import row_id_operations


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_stage_and_decision_rule")]

    operations = row_id_operations("cases", ["Case", "CaseEvent", "Message", "Attachment"])
