"""The verdict and the Japanese advice, threshold by threshold (a pure function)."""

from __future__ import annotations

import json

import pytest

from yakuba.netcheck.judging import Link, Measurement, Thresholds, Verdict, judge

GOOD = {"download_mbps": 50.0, "upload_mbps": 20.0, "ping_ms": 20.0, "jitter_ms": 3.0}


def m(**kw) -> Measurement:
    values = {**GOOD, "loss_pct": 0.0, "link": Link.WIRED, **kw}
    return Measurement(**values)


def test_good_line_is_ok_with_a_kind_word() -> None:
    j = judge(m())
    assert j.verdict == Verdict.OK
    assert j.advice == ("ビデオ会議に十分な接続です。",)


@pytest.mark.parametrize("field,label", [("upload_mbps", "上り"), ("download_mbps", "下り")])
def test_between_audio_and_video_bandwidth_means_audio_only(field: str, label: str) -> None:
    j = judge(m(**{field: 0.8}))
    assert j.verdict == Verdict.AUDIO
    assert j.advice[0].startswith(f"{label} 0.8 Mbps：ビデオをオフにして音声のみで参加しましょう")
    assert "1.5 Mbps" in j.advice[0]


@pytest.mark.parametrize("field", ["upload_mbps", "download_mbps"])
def test_bandwidth_thresholds_are_inclusive(field: str) -> None:
    assert judge(m(**{field: 1.5})).verdict == Verdict.OK
    assert judge(m(**{field: 1.49})).verdict == Verdict.AUDIO
    assert judge(m(**{field: 0.5})).verdict == Verdict.AUDIO
    assert judge(m(**{field: 0.49})).verdict == Verdict.POOR


def test_below_audio_bandwidth_is_poor() -> None:
    j = judge(m(upload_mbps=0.3))
    assert j.verdict == Verdict.POOR
    assert j.advice[0].startswith("上り 0.3 Mbps：音声だけでも途切れるおそれがあります")


def test_loss_from_two_percent_is_limited_and_from_five_poor() -> None:
    assert judge(m(loss_pct=1.9)).verdict == Verdict.OK
    j = judge(m(loss_pct=4))
    assert j.verdict == Verdict.AUDIO
    assert j.advice[0].startswith(
        "パケットロス 4%：ルーターの再起動・有線接続・ルーターのファームウェア"
    )
    assert judge(m(loss_pct=5)).verdict == Verdict.POOR


def test_latency_from_150_ms_is_limited_and_from_300_poor() -> None:
    assert judge(m(ping_ms=149)).verdict == Verdict.OK
    j = judge(m(ping_ms=150))
    assert j.verdict == Verdict.AUDIO
    assert j.advice[0].startswith("遅延 150 ms：")
    assert judge(m(ping_ms=300)).verdict == Verdict.POOR


def test_jitter() -> None:
    assert judge(m(jitter_ms=29)).verdict == Verdict.OK
    j = judge(m(jitter_ms=30))
    assert j.verdict == Verdict.AUDIO
    assert "ジッター" in j.advice[0]


def test_wifi_advice_only_on_wifi_with_a_problem() -> None:
    assert not any("Wi-Fi" in a for a in judge(m(link=Link.WIFI)).advice)
    assert not any("Wi-Fi" in a for a in judge(m(loss_pct=3, link=Link.WIRED)).advice)
    advice = judge(m(loss_pct=3, link=Link.WIFI)).advice
    assert advice[-1].startswith("Wi-Fi：ルーターの近くに移動する")


def test_every_problem_gets_its_own_advice_in_order() -> None:
    j = judge(m(download_mbps=1.0, upload_mbps=0.2, loss_pct=6, ping_ms=400, jitter_ms=50))
    assert j.verdict == Verdict.POOR
    heads = [a.split("：")[0].split(" ")[0] for a in j.advice]
    assert heads == ["下り", "上り", "パケットロス", "遅延", "揺らぎ（ジッター）"]


def test_thresholds_are_configurable(settings) -> None:
    settings.NETCHECK_THRESHOLDS = {"video_mbps": 3, "latency_ms": 50, "bogus": 1}
    t = Thresholds.from_settings()
    assert t.video_mbps == 3 and t.latency_ms == 50 and t.audio_mbps == 0.5
    assert judge(m(upload_mbps=2), t).verdict == Verdict.AUDIO
    assert judge(m(ping_ms=60), t).verdict == Verdict.AUDIO


def test_advice_in_english_when_the_language_is_english() -> None:
    from django.utils import translation

    with translation.override("en"):
        j = judge(m(upload_mbps=0.8))
    assert "Mbps" in j.advice[0] and "ビデオ" not in j.advice[0]


def test_bench_all_merges_both_summaries(monkeypatch, capsys) -> None:
    from yakuba.netcheck import bench_all

    summaries: dict[str, dict[str, float] | None] = {
        "yakuba.meetings.bench": {"events_per_s": 900.0, "lost": 0},
        "yakuba.netcheck.bench": {"netcheck_download_mbps": 4000.0},
    }
    monkeypatch.setattr(bench_all, "run", lambda module, args: summaries[module])
    assert bench_all.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {"events_per_s": 900.0, "lost": 0, "netcheck_download_mbps": 4000.0}
    summaries["yakuba.meetings.bench"] = None
    assert bench_all.main([]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {
        "netcheck_download_mbps": 4000.0,
        "failed": ["yakuba.meetings.bench"],
    }
