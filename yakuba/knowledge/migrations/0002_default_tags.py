from django.db import migrations

from yakuba.knowledge.tags import DEFAULT_TAGS


def seed_tags(apps, schema_editor):  # type: ignore[no-untyped-def]
    SkillTag = apps.get_model("knowledge", "SkillTag")
    for order, (slug, name) in enumerate(DEFAULT_TAGS):
        SkillTag.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(seed_tags, migrations.RunPython.noop)]
