# After 0002 copied each upload into the storage (separate migration: on PostgreSQL a table
# cannot be altered in the transaction that updated its rows).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_import_upload_in_storage"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="importbatch",
            name="data",
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("validating", "検査中"),
                    ("invalid", "エラーあり"),
                    ("ready", "取り込み待ち"),
                    ("applying", "取り込み中"),
                    ("done", "完了"),
                    ("failed", "失敗"),
                    ("expired", "期限切れ（ファイル削除済み）"),
                ],
                default="validating",
                max_length=20,
                verbose_name="状態",
            ),
        ),
    ]
