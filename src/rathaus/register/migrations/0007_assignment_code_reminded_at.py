from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0006_assignment_code_consent_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmentcode",
            name="reminded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reminder sent at"),
        ),
    ]
