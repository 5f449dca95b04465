"""Bind the encrypted values to their rows: a random row id per row, and every existing
ciphertext re-encrypted with its table, column and row id as associated data (core.fields)."""

from django.db import migrations

from rathaus.core.encryption_migrations import row_id_operations


class Migration(migrations.Migration):
    dependencies = [("appointments", "0007_booking_case")]

    operations = row_id_operations("appointments", ["Booking"])
