# The window steps moved onto the core scheduler: the claims of the last two days are
# carried over so an upgrade in the middle of a working day sends nothing twice.

import datetime as dt

from django.db import migrations
from django.utils import timezone


def carry_recent_claims(apps, schema_editor):
    ScheduledRun = apps.get_model("dailyreports", "ScheduledRun")
    JobClaim = apps.get_model("core", "JobClaim")
    since = timezone.localdate() - dt.timedelta(days=2)
    JobClaim.objects.bulk_create(
        [
            JobClaim(
                job="dailyreports.window",
                key=f"{run.unit_id}:{run.date.isoformat()}:{run.kind}",
                args=[run.unit_id, run.date.isoformat(), run.kind],
                claimed_at=run.claimed_at,
                attempts=1,
                finished_at=run.finished_at,
            )
            for run in ScheduledRun.objects.filter(date__gte=since)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dailyreports", "0003_remind_chat"),
    ]

    operations = [
        migrations.RunPython(carry_recent_claims, migrations.RunPython.noop),
        migrations.DeleteModel(name="ScheduledRun"),
    ]
