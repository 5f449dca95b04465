from django.db import migrations, models

# Titles of the document types issued before the title was stored with the document.
KNOWN_TITLES = {"reply_letter": "Antwortschreiben"}


def titles_fill(apps, schema_editor):
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    for key, title in KNOWN_TITLES.items():
        IssuedDocument.objects.filter(document_type=key, title="").update(title=title)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.RunPython(titles_fill, migrations.RunPython.noop),
    ]
