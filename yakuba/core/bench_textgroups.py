"""Benchmark: grouping free-text survey answers (``python -m yakuba.core.bench_textgroups``).

Builds ``--answers`` (default 5,000) realistic answers to "テレワークで困ったこと・良かったこと"
from a fixed seed — one to three sentences each, about VPN and lines, web meetings, business
systems out of reach from home, paper and seals, childcare and care, commuting, fatigue and
isolation, equipment — in the ways people write them (full- and half-width letters, 子ども
and 子供, polite and plain endings), then times `yakuba.core.textgroups.group_answers` on
them (the dictionary load is timed apart: it happens once per process). Prints a table and,
as its last line, one JSON object: ``{"grouping_s": ..., ...}`` (target ≤ 10 s).
"""

from __future__ import annotations

import argparse
import json
import random
import time

from yakuba.core import textgroups

_TOPICS = (
    (
        "VPNが遅くて",
        "ＶＰＮにつながらず",
        "vpnの接続が途中で切れて",
        "VPN端末の予約が取れず",
    ),
    (
        "Web会議の音声が途切れて",
        "ウェブ会議で映像が止まり",
        "Zoomの会議に入れず",
        "Teamsの画面共有ができず",
    ),
    (
        "業務システムに自宅から接続できず",
        "財務会計システムが使えないので",
        "庁内のファイルサーバーが見られず",
    ),
    (
        "紙の書類と押印のために出勤が必要で",
        "決裁が紙なので",
        "郵便物の確認のため登庁して",
    ),
    (
        "子どもの送迎があるので",
        "子供の世話をしながら",
        "保育園のお迎えに間に合い",
        "親の介護と両立でき",
    ),
    (
        "通勤時間がなくなり",
        "満員電車に乗らずに済み",
        "移動の時間が減って",
    ),
    (
        "一人で作業していると孤独を感じ",
        "相談しにくくて",
        "同僚と雑談する機会が減り",
    ),
    (
        "自宅の回線が不安定で",
        "家のルーターが古くて",
        "貸与パソコンの画面が小さくて",
        "椅子と机がなく",
    ),
    (
        "窓口業務があるため",
        "電話対応ができないので",
        "住民対応が必要なので",
    ),
    (
        "集中して資料作成ができ",
        "企画書がはかどり",
        "静かな環境で仕事ができ",
    ),
)
_ENDINGS = (
    "困りました。",
    "困った。",
    "大変でした。",
    "助かりました。",
    "良かったです。",
    "効率が下がりました。",
    "仕事が進みませんでした。",
    "疲れました。",
    "改善してほしいです。",
    "来年度は改善を希望します。",
)
_EXTRAS = (
    "",
    "",
    "",
    "特にありません。",
    "引き続き実施したい。",
    "週に2日くらいがちょうど良い。",
    "上司の理解があり、ありがたかった。",
    "端末の台数を増やしてほしい。",
)


def answers(count: int, seed: int = 15) -> list[tuple[int, str]]:
    rng = random.Random(seed)
    weights = [9, 7, 6, 5, 5, 4, 3, 3, 2, 2]
    out: list[tuple[int, str]] = []
    for index in range(count):
        sentences = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            topic = rng.choices(_TOPICS, weights=weights)[0]
            sentences.append(rng.choice(topic) + rng.choice(_ENDINGS))
        sentences.append(rng.choice(_EXTRAS))
        out.append((index, "".join(sentences)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--max-groups", type=int, default=10)
    args = parser.parse_args(argv)

    items = answers(args.answers)
    chars = sum(len(text) for _, text in items)
    started = time.perf_counter()
    textgroups.content_words("辞書を読み込む")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    groups = textgroups.group_answers(items, max_groups=args.max_groups, min_size=5)
    grouping_s = time.perf_counter() - started

    print(f"{'answers':<28}{len(items):>10,}")
    print(f"{'characters':<28}{chars:>10,}")
    print(f"{'dictionary load (s)':<28}{load_s:>10.2f}")
    print(f"{'grouping (s)':<28}{grouping_s:>10.2f}   target ≤ 10")
    print()
    print(f"{'group':<36}{'answers':>8}")
    for group in groups:
        label = "その他" if group.other else group.label
        print(f"{label:<36}{group.count:>8,}")
    print(
        json.dumps(
            {
                "grouping_s": round(grouping_s, 3),
                "answers": len(items),
                "groups": sum(1 for g in groups if not g.other),
                "dictionary_load_s": round(load_s, 3),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
