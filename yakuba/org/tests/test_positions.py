"""Job titles map to five position levels, in one place (knowledge crossing, reviews)."""

from __future__ import annotations

from yakuba.org import positions


def test_job_titles_map_to_five_levels_in_one_place():
    assert [positions.level_of(t) for t in ("主事", "技師", "会計年度任用職員", "", "保健師")] == [
        positions.LEVEL_STAFF
    ] * 5
    assert positions.level_of("主任") == positions.level_of("主査") == positions.LEVEL_SENIOR
    assert positions.level_of("係長") == positions.LEVEL_CHIEF
    assert positions.level_of(" 課長補佐 ") == positions.LEVEL_DEPUTY
    assert positions.level_of("課長") == positions.level_of("部長") == positions.LEVEL_MANAGER
    assert positions.level_of("課長（兼）企画係長") == positions.LEVEL_MANAGER
    assert positions.level_label(positions.LEVEL_CHIEF) == "係長級"
