"""The score is the weighted mean of the components that apply, each listed with why."""

from __future__ import annotations

import pytest

from yakuba.security import score
from yakuba.security.score import Component, ComponentValue


@pytest.fixture
def components():
    saved = dict(score._COMPONENTS)
    score._COMPONENTS.clear()
    yield
    score._COMPONENTS.clear()
    score._COMPONENTS.update(saved)


def test_weighted_mean_of_applicable_components(components) -> None:
    calls = []

    def retention(ids):
        calls.append(list(ids))
        return {1: ComponentValue(0.5, "正答の定着 50%"), 2: ComponentValue(1.0, "")}

    score.register(Component("retention", "定着", 2, retention, order=1))
    score.register(Component("drills", "訓練", 1, lambda ids: {1: ComponentValue(1.0, "報告した")}))
    result = score.scores([1, 2, 3, 1])
    assert calls == [[1, 2, 3]]  # one call for the whole list, duplicates dropped
    assert result[1].score == round(100 * (2 * 0.5 + 1 * 1.0) / 3)
    assert result[2].score == 100  # drills do not apply to person 2: not counted as zero
    assert result[3].score is None
    # Listed in registration order (then code), not by value.
    assert [c.detail for c in result[1].components] == ["正答の定着 50%", "報告した"]


def test_values_are_clamped_and_names_unique(components) -> None:
    score.register(Component("x", "x", 1, lambda ids: {1: ComponentValue(1.7)}))
    assert score.scores([1])[1].score == 100
    with pytest.raises(ValueError):
        score.register(Component("x", "other", 1, lambda ids: {}))
    with pytest.raises(ValueError):
        score.register(Component("y", "y", 0, lambda ids: {}))
