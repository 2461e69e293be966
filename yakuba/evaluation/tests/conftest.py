import datetime as dt

import pytest

from yakuba.evaluation import history

WEEK_2020 = (dt.date(2020, 4, 6), dt.date(2020, 4, 12))
WEEK_2021 = (dt.date(2021, 4, 5), dt.date(2021, 4, 11))


def short_profiles():
    p, c = history.emergency_profiles()
    return [
        history.Profile(**{**p.__dict__, "start": WEEK_2020[0], "end": WEEK_2020[1]}),
        history.Profile(**{**c.__dict__, "start": WEEK_2021[0], "end": WEEK_2021[1]}),
    ]


def add_staff(org, n, start=0):
    """``n`` more people spread over the fixture's units (bulk)."""
    from yakuba.org.models import Staff

    units = [org["shimin"], org["madoguchi"], org["zeimu"]]
    Staff.objects.bulk_create(
        [
            Staff(
                staff_number=f"5{start + i:05d}",
                name=f"職員 {start + i}",
                name_kana="ショクイン",
                unit=units[i % 3],
                position=("主事", "主任", "係長")[i % 3],
            )
            for i in range(n)
        ]
    )


@pytest.fixture
def city(org, make_user):
    """The fixture's office with ``n`` more staff and a week of 2020 and of 2021."""

    def make(n=12):
        from yakuba.rosters.demo import seed_setup
        from yakuba.rosters.models import StaffWorkProfile

        add_staff(org, n)
        seed_setup()
        # 税務課 (no personal-data work here) may telework; 市民課 handles personal data.
        StaffWorkProfile.objects.filter(staff__unit=org["zeimu"]).update(
            handles_personal_data=False, telework_approved=True
        )
        planner = make_user("planning", username="planner")
        history.build(short_profiles(), actor=planner)
        return planner

    return make
