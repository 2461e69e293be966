"""Catch-ups get a "prepared" mark; meeting IDs typed as Zoom shows them are stored as digits.

Meetings finalised before this migration had their catch-ups prepared by then (the task
ran at once), so they count as prepared at their finalisation time.
"""

import re
import unicodedata

from django.db import migrations, models

# A frozen copy of `yakuba.meetings.zoom.normalise_meeting_id` as of this migration.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70]+")
_DIGITS = re.compile(r"[0-9]+")


def _normalise(value):
    text = (value or "").strip()
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return compact if _DIGITS.fullmatch(compact) else text


def forwards(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    AttendanceEvent = apps.get_model("meetings", "AttendanceEvent")
    for pk, value in Meeting.objects.exclude(platform_meeting_id="").values_list(
        "pk", "platform_meeting_id"
    ):
        normal = _normalise(value)
        if normal != value:
            Meeting.objects.filter(pk=pk).update(platform_meeting_id=normal)
    events = AttendanceEvent.objects.filter(source__in=["zoom", "jitsi"])
    # Few distinct rooms however many events: normalise room by room.
    for room in list(events.values_list("room", flat=True).distinct()):
        normal = _normalise(room)
        if normal != room:
            events.filter(room=room).update(room=normal)
    Meeting.objects.filter(status="finalised", catchups_prepared_at__isnull=True).update(
        catchups_prepared_at=models.F("finalised_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_connection_quality"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="catchups_prepared_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
