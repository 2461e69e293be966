"""The demo licences: the report for last month answers "how many do we need?"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.licences import report
from yakuba.licences.models import Licence


@pytest.mark.django_db
def test_seed_licences_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_licences_demo", "--if-empty", stdout=out)
    assert "ライセンス 6 件" in out.getvalue()
    built = report.build(User.objects.get(username=accounts.INFOSEC), report.last_complete_month())
    zoom = built.platforms[0]
    assert zoom.meetings > 40
    assert zoom.peak == 3 and zoom.days_at_peak >= 2
    assert (zoom.held, zoom.needed, zoom.surplus) == (6, 4, 2)
    assert len(zoom.idle) == 2 and zoom.saving == 4400
    assert zoom.unlicensed and all(h.staff is not None for h in zoom.unlicensed)
    assert 0 < zoom.actual_meetings < zoom.meetings
    call_command("seed_licences_demo", "--if-empty", stdout=out)
    assert Licence.objects.count() == 6
