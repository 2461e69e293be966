"""Realistic free-text answers for the demo survey (deterministic with a seeded random).

Each respondent has a few concerns (VPN and slow lines, the finance system out of reach,
paper and seals, childcare, care, isolation, chat, commuting time …); each concern has
several phrasings built from openings, details and endings, in です/ます or plain style,
so that answers about the same thing share words (VPN, 回線, 財務会計システム, 決裁, 子ども,
孤独, チャット, 通勤時間) without being copies — what grouping by shared words needs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

CONCERNS = (
    "vpn",
    "finance",
    "paper",
    "childcare",
    "care",
    "lonely",
    "chat",
    "commute",
    "phone",
    "device",
    "desk",
    "residents_system",
)

# concern → (openings, consequences) for 「できなかったこと・困ったこと」.
PROBLEMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "vpn": (
        (
            "VPNの回線が遅く、",
            "VPN接続が午後になると遅くなり、",
            "回線が遅くて共有フォルダのファイルを開くのに時間がかかり、",
            "VPNが頻繁に切れるため、",
            "VPNの接続枠が埋まっていて、",
            "自宅の回線が遅いのか、VPN経由だと",
        ),
        (
            "資料の作成にいつもの倍くらい時間がかかった",
            "Web会議の音声が途切れてしまった",
            "大きなファイルを開けなかった",
            "午前中しか作業が進まなかった",
            "何度もつなぎ直す必要があった",
        ),
    ),
    "finance": (
        (
            "財務会計システムに接続できないため、",
            "財務会計システムが庁内のネットワークからしか使えず、",
            "在宅では財務会計システムに入れないので、",
            "財務会計の端末が庁舎にしかなく、",
        ),
        (
            "支出命令や伝票の処理は出勤日にまとめて行った",
            "支払の処理が数日遅れた",
            "予算の執行状況を確認できなかった",
            "起案や伝票の入力ができなかった",
        ),
    ),
    "paper": (
        (
            "紙の決裁が残っていて、",
            "押印が必要な書類があり、",
            "印鑑をもらうために",
            "紙の資料が庁舎にしかないため、",
            "決裁文書を回すのに",
        ),
        (
            "結局出勤しなければならなかった",
            "決裁が数日止まってしまった",
            "在宅の日にできる仕事が限られた",
            "上司の印鑑をもらうまで処理が進まなかった",
        ),
    ),
    "phone": (
        ("代表電話の取次ができず、", "住民からの電話に出られないので、", "電話対応ができず、"),
        (
            "同僚に負担をかけてしまった",
            "折り返しの連絡が遅れた",
            "窓口の担当者に申し訳なかった",
        ),
    ),
    "residents_system": (
        (
            "住民情報システムは在宅では使えないため、",
            "住民記録のシステムに接続できず、",
        ),
        (
            "照会の回答は出勤日に回した",
            "窓口の処理は在宅ではできなかった",
        ),
    ),
    "device": (
        (
            "貸出端末の画面が小さく、",
            "ノートPCの性能が低くて、",
            "貸出端末のバッテリーがすぐ切れ、",
        ),
        (
            "表計算の作業がしにくかった",
            "Web会議をしながら資料を見るのが難しかった",
            "作業効率が落ちた",
        ),
    ),
    "desk": (
        (
            "自宅に作業スペースがなく、",
            "家の椅子や机が仕事向きではなく、",
        ),
        (
            "ダイニングテーブルで作業した",
            "腰や肩が痛くなった",
            "長時間の作業はつらかった",
        ),
    ),
    "lonely": (
        (
            "一人で作業していると",
            "雑談がないので、",
            "相談相手がすぐ近くにいないため、",
        ),
        (
            "孤独を感じることがあった",
            "孤独感があり気分が沈んだ",
            "ちょっとしたことを聞きにくく孤独感を覚えた",
        ),
    ),
}

GOOD: dict[str, tuple[str, ...]] = {
    "commute": (
        "通勤時間がなくなり、朝の時間に余裕ができた",
        "片道1時間の通勤時間が削減でき、その分を家族との時間に使えた",
        "通勤の疲れがなく、仕事に集中できた",
        "通勤時間の削減で睡眠時間を確保できた",
    ),
    "chat": (
        "チャットで相談しやすく、かえって連絡が早くなった",
        "チャットなら気軽に質問でき、記録も残るので便利だった",
        "朝のミーティングとチャットで、在宅でも状況を共有できた",
    ),
    "childcare": (
        "子どもの世話をしながらでも働けて助かった",
        "保育園のお迎えに間に合うようになった",
        "子どもの急な発熱の日も休まずに済んだ",
    ),
    "care": (
        "親の介護と仕事を両立できた",
        "通院の付き添いがある日も働けた",
    ),
    "focus": (
        "電話や来客がなく、集中して資料作成ができた",
        "まとまった時間がとれ、計画の取りまとめがはかどった",
    ),
}

WISHES: tuple[str, ...] = (
    "VPNの接続枠を増やしてほしい",
    "回線の速度を改善してほしい",
    "財務会計システムを在宅でも使えるようにしてほしい",
    "電子決裁を進めて、紙の決裁と押印をなくしてほしい",
    "週2日程度は在宅勤務を続けたい",
    "外付けモニターを貸し出してほしい",
    "子育て中の職員が使いやすい制度にしてほしい",
    "介護をしている職員も対象にしてほしい",
    "在宅勤務の日でも相談しやすい仕組みがほしい",
    "会計年度任用職員も在宅勤務の対象にしてほしい",
    "窓口の担当でも交代で在宅勤務ができるようにしてほしい",
)

CARE_NEEDS: tuple[str, ...] = (
    "子どもの世話があるので、始業・終業の時刻をずらせると助かる",
    "保育園のお迎えの時間に合わせて、短時間の在宅勤務を認めてほしい",
    "子どもが小さいうちは週3日の在宅勤務を希望する",
    "親の介護のため、急な在宅勤務の申請にも対応してほしい",
    "介護の通院付き添いの日に、半日単位で在宅勤務ができるとよい",
    "子どもの世話と仕事の切り替えが難しいので、中抜けを認めてほしい",
)

# concern → what changed since, in the words of those who noticed (a later survey's
# 「良かったこと」: the countermeasures seen from the desk — VPN 増強, 電子決裁 …).
IMPROVED: dict[str, tuple[str, ...]] = {
    "vpn": (
        "VPNの接続枠が増強され、朝でもすぐにつながるようになった",
        "VPN増強のおかげで、回線が切れることがほとんどなくなった",
        "VPNが増強されて、共有フォルダの大きなファイルも開けるようになった",
        "VPNの接続枠の予約が取れるようになり、在宅の日を計画しやすくなった",
    ),
    "paper": (
        "電子決裁が始まり、押印のためだけに出勤することがなくなった",
        "電子決裁で、在宅の日でも決裁を回せるようになった",
        "押印が廃止され、電子決裁で処理が止まらなくなった",
    ),
    "finance": (
        "財務会計システムに在宅から接続できるようになり、伝票の処理が進むようになった",
        "財務会計システムが在宅でも使えるようになり、支払の処理が遅れなくなった",
    ),
    "device": (
        "貸出端末が新しくなり、外付けモニターも借りられるようになった",
        "貸出端末の性能が上がり、Web会議をしながら資料を見られるようになった",
    ),
    "chat": (
        "庁内チャットが導入され、在宅でも気軽に相談できるようになった",
        "チャットとWeb会議に慣れて、在宅でも打合せができるようになった",
    ),
}

OPENERS = ("", "", "", "正直なところ、", "特に", "実際には", "")


# Plain ending → です/ます ending, longest first where one ends another.
POLITE = (
    ("てしまった", "てしまいました"),
    ("かかった", "かかりました"),
    ("あった", "ありました"),
    ("なった", "なりました"),
    ("行った", "行いました"),
    ("どった", "どりました"),
    ("んだ", "みました"),
    ("だった", "でした"),
    ("かった", "かったです"),
    ("した", "しました"),
    ("きた", "きました"),
    ("えた", "えました"),
    ("れた", "れました"),
    ("けた", "けました"),
    ("ちた", "ちました"),
    ("ほしい", "ほしいです"),
    ("よい", "よいです"),
    ("助かる", "助かります"),
    ("する", "します"),
)


def _polite(sentence: str, rng: random.Random) -> str:
    """End a clause in plain or です/ます style (half each)."""
    if rng.random() < 0.5:
        return sentence + "。"
    for plain, polite in POLITE:
        if sentence.endswith(plain):
            return sentence[: -len(plain)] + polite + "。"
    return sentence + "。"


# How likely each concern is for one respondent (a demo survey may weigh them otherwise).
WEIGHTS: dict[str, float] = {
    "vpn": 0.45,
    "finance": 0.35,
    "paper": 0.35,
    "childcare": 0.22,
    "care": 0.08,
    "lonely": 0.25,
    "chat": 0.35,
    "commute": 0.55,
    "phone": 0.15,
    "device": 0.2,
    "desk": 0.15,
    "residents_system": 0.1,
}


def persona(
    rng: random.Random, teleworked: bool, weights: Mapping[str, float] | None = None
) -> set[str]:
    """The concerns one respondent has (2–4); ``weights`` overrides some of `WEIGHTS`."""
    chances = {**WEIGHTS, **(weights or {})}
    found = {c for c, w in chances.items() if rng.random() < w}
    if not teleworked:
        found -= {"lonely", "chat", "commute", "device", "desk"}
    return found or {rng.choice(("vpn", "paper", "commute"))}


def problem_text(concerns: set[str], rng: random.Random) -> str:
    keys = [c for c in CONCERNS if c in PROBLEMS and c in concerns]
    if not keys:
        return ""
    rng.shuffle(keys)
    sentences = []
    for key in keys[: rng.randint(1, 2)]:
        openings, consequences = PROBLEMS[key]
        sentences.append(
            _polite(rng.choice(OPENERS) + rng.choice(openings) + rng.choice(consequences), rng)
        )
    return "".join(sentences)


def good_text(concerns: set[str], rng: random.Random) -> str:
    keys = [k for k in GOOD if k in concerns or (k == "focus" and rng.random() < 0.3)]
    if not keys:
        keys = ["commute"]
    rng.shuffle(keys)
    return "".join(_polite(rng.choice(GOOD[k]), rng) for k in keys[: rng.randint(1, 2)])


def wish_text(concerns: set[str], rng: random.Random) -> str:
    preferred = [
        w
        for w in WISHES
        if (("VPN" in w or "回線" in w) and "vpn" in concerns)
        or ("財務会計" in w and "finance" in concerns)
        or ("決裁" in w and "paper" in concerns)
        or ("子育て" in w and "childcare" in concerns)
        or ("介護" in w and "care" in concerns)
    ]
    pool = preferred or list(WISHES)
    picks = rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))
    return "".join(_polite(p, rng) for p in picks)


def care_text(concerns: set[str], rng: random.Random) -> str:
    pool = [
        c
        for c in CARE_NEEDS
        if ("介護" in c) == ("care" in concerns and "childcare" not in concerns)
    ]
    return _polite(rng.choice(pool or list(CARE_NEEDS)), rng)


def improvement_text(improved: Iterable[str], concerns: set[str], rng: random.Random) -> str:
    """What got better since the previous survey (1–2 sentences) among ``improved``,
    for someone to whom it is no longer a concern; "" when none of it is noticed."""
    mine = [k for k in improved if k in IMPROVED and k not in concerns and rng.random() < 0.5]
    if not mine:
        return ""
    rng.shuffle(mine)
    return "".join(_polite(rng.choice(IMPROVED[k]), rng) for k in mine[: rng.randint(1, 2)])
