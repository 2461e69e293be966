# The uploaded file of an import moves from a database column to the default storage, so
# that it can be deleted through the storage API (org.jobs purges unapplied uploads).

from django.core.files.base import ContentFile
from django.db import migrations, models

import yakuba.org.models


def move_uploads_to_storage(apps, schema_editor):
    ImportBatch = apps.get_model("org", "ImportBatch")
    for batch in ImportBatch.objects.exclude(data=b"").iterator():
        data = bytes(batch.data or b"")
        if data:
            batch.upload.save("upload", ContentFile(data), save=False)
            ImportBatch.objects.filter(pk=batch.pk).update(upload=batch.upload.name)


def move_uploads_back(apps, schema_editor):
    ImportBatch = apps.get_model("org", "ImportBatch")
    for batch in ImportBatch.objects.exclude(upload="").iterator():
        with batch.upload.open("rb") as handle:
            data = handle.read()
        ImportBatch.objects.filter(pk=batch.pk).update(data=data)
        batch.upload.storage.delete(batch.upload.name)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="upload",
            field=models.FileField(
                blank=True, max_length=200, upload_to=yakuba.org.models.import_upload_path
            ),
        ),
        migrations.RunPython(move_uploads_to_storage, move_uploads_back),
    ]
