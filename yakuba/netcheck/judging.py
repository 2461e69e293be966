"""Is this connection good enough for web meetings? A pure function of the measurements.

Thresholds follow the vendors' published needs (DOMAIN.md §5): about 1.5 Mbps each way
for HD video, 0.5 Mbps for audio only, latency under 150 ms and loss under 2 %.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Verdict(models.TextChoices):
    OK = "ok", gettext_lazy("ビデオ会議に十分")
    AUDIO = "audio", gettext_lazy("音声のみ推奨")
    POOR = "poor", gettext_lazy("会議に不安定")


class Link(models.TextChoices):
    WIRED = "wired", gettext_lazy("有線LAN")
    WIFI = "wifi", gettext_lazy("Wi-Fi")
    MOBILE = "mobile", gettext_lazy("モバイル回線")
    UNKNOWN = "unknown", gettext_lazy("わからない")


@dataclass(frozen=True)
class Thresholds:
    video_mbps: float = 1.5
    audio_mbps: float = 0.5
    latency_ms: float = 150.0
    poor_latency_ms: float = 300.0
    loss_pct: float = 2.0
    poor_loss_pct: float = 5.0
    jitter_ms: float = 30.0

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        overrides: dict[str, Any] = getattr(settings, "NETCHECK_THRESHOLDS", {}) or {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: float(v) for k, v in overrides.items() if k in known})


@dataclass(frozen=True)
class Measurement:
    download_mbps: float
    upload_mbps: float
    ping_ms: float
    jitter_ms: float
    loss_pct: float
    link: str = Link.UNKNOWN


@dataclass(frozen=True)
class Judgement:
    verdict: str
    advice: tuple[str, ...]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"


def judge(m: Measurement, t: Thresholds | None = None) -> Judgement:
    """The verdict (worst problem wins) and one piece of advice per problem, in order."""
    t = t or Thresholds()
    advice: list[str] = []
    poor = limited = False
    for label, value in ((_("下り"), m.download_mbps), (_("上り"), m.upload_mbps)):
        if value < t.audio_mbps:
            poor = True
            advice.append(
                _(
                    "%(dir)s %(v)s Mbps：音声だけでも途切れるおそれがあります。"
                    "ほかの機器の動画・ダウンロードを止め、別の場所か回線で参加しましょう。"
                )
                % {"dir": label, "v": _fmt(value)}
            )
        elif value < t.video_mbps:
            limited = True
            advice.append(
                _(
                    "%(dir)s %(v)s Mbps：ビデオをオフにして音声のみで参加しましょう"
                    "（ビデオには %(need)s Mbps 以上が必要です）。"
                )
                % {"dir": label, "v": _fmt(value), "need": _fmt(t.video_mbps)}
            )
    if m.loss_pct >= t.loss_pct:
        poor = poor or m.loss_pct >= t.poor_loss_pct
        limited = True
        advice.append(
            _(
                "パケットロス %(v)s%%：ルーターの再起動・有線接続・ルーターのファームウェア"
                "更新を試してください。改善しなければ回線事業者に相談しましょう。"
            )
            % {"v": _fmt(m.loss_pct)}
        )
    if m.ping_ms >= t.latency_ms:
        poor = poor or m.ping_ms >= t.poor_latency_ms
        limited = True
        advice.append(
            _(
                "遅延 %(v)s ms：会話がかみ合わなくなります。VPNや他の通信を控え、"
                "有線接続を試してください（目安は %(need)s ms 未満）。"
            )
            % {"v": _fmt(m.ping_ms), "need": _fmt(t.latency_ms)}
        )
    if m.jitter_ms >= t.jitter_ms:
        limited = True
        advice.append(
            _("揺らぎ（ジッター） %(v)s ms：音声が途切れやすくなります。有線接続を試してください。")
            % {"v": _fmt(m.jitter_ms)}
        )
    if (poor or limited) and m.link == Link.WIFI:
        advice.append(
            _(
                "Wi-Fi：ルーターの近くに移動する・5GHz帯（またはメッシュWi-Fi）を使う・"
                "電子レンジなど電波を妨げる機器から離れる。可能なら有線LANでつなぎましょう。"
            )
        )
    if poor:
        verdict = Verdict.POOR
    elif limited:
        verdict = Verdict.AUDIO
    else:
        verdict = Verdict.OK
        advice.append(_("ビデオ会議に十分な接続です。"))
    return Judgement(verdict=str(verdict), advice=tuple(advice))
