"""The two headings the external evaluation's comments are usually grouped under."""

from django.db import migrations

DEFAULT_HEADINGS = ("全体に対する意見・提案等", "課題に対する意見・提案等")


def add_headings(apps, schema_editor):
    CommentHeading = apps.get_model("policies", "CommentHeading")
    for order, name in enumerate(DEFAULT_HEADINGS, start=1):
        CommentHeading.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(add_headings, migrations.RunPython.noop)]
