"""The shipped default survey 「テレワーク実施状況調査」, kept as data.

`ensure_default_template()` creates it once as a template (`Survey.is_template`, key
``telework``); HR or the planning unit copy it into a new draft (`building.copy_survey`)
and adjust it. Each question is (kind, text, options); options may name a condition:
``telework_min`` / ``telework_max`` (days in the survey's period, fixed at launch) or
``if_choice`` = (question key, choice label) of an earlier question.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yakuba.surveys.models import Choice, Question, QuestionKind, Section, Survey

TEMPLATE_KEY = "telework"
OTHER = "その他（自由記述）"

TITLE = "テレワーク実施状況調査"
DESCRIPTION = (
    "在宅勤務（テレワーク）の効果と課題を点検し、来年度の進め方を決めるための調査です。"
    "所要時間は10分ほどです。回答は統計的に集計し、5人未満の集団の結果は表示しません。"
)

S, M, T, N, D, SC = (
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.TEXT,
    QuestionKind.NUMBER,
    QuestionKind.DATE,
    QuestionKind.SCALE,
)

# (section title, description, [(key, kind, text, options)])
SECTIONS: list[tuple[str, str, list[tuple[str, str, str, dict[str, Any]]]]] = [
    (
        "在宅勤務の状況",
        "対象期間中のあなたの在宅勤務について伺います。",
        [
            (
                "method",
                S,
                "主に利用した在宅勤務の方法を選んでください。",
                {
                    "choices": [
                        "VPN接続の端末",
                        "LGWAN接続のテレワーク（自治体テレワークシステム）",
                        "貸出端末（庁内システムにはつながらない）",
                        OTHER,
                    ],
                    "telework_min": 1,
                },
            ),
            (
                "why_not",
                M,
                "在宅勤務をしなかった理由をすべて選んでください。",
                {
                    "choices": [
                        "窓口業務のため",
                        "在宅でできる業務がない",
                        "端末・接続枠が足りない",
                        "職場で言い出しにくい",
                        "自宅に作業する場所がない",
                        OTHER,
                    ],
                    "telework_max": 0,
                },
            ),
            (
                "first_day",
                D,
                "対象期間中に初めて在宅勤務をした日を入力してください（覚えていなければ空欄）。",
                {"required": False, "telework_min": 1},
            ),
        ],
    ),
    (
        "業務の効率",
        "",
        [
            (
                "efficiency",
                SC,
                "在宅勤務の日も、庁舎と同じように仕事を進められた。",
                {"telework_min": 1},
            ),
            (
                "commute",
                SC,
                "通勤がない分、時間を有効に使えた。",
                {"telework_min": 1},
            ),
            (
                "blocked",
                M,
                "在宅ではできなかった業務をすべて選んでください。",
                {
                    "choices": [
                        "財務会計システムの操作",
                        "文書管理・電子決裁",
                        "住民情報システムの操作",
                        "紙の資料を使う業務",
                        "押印が必要な手続き",
                        "電話対応",
                        "特になし",
                        OTHER,
                    ],
                    "telework_min": 1,
                },
            ),
            (
                "blocked_text",
                T,
                "在宅でできなかったこと、不便だったことを具体的に書いてください。",
                {
                    "required": False,
                    "help": "例：財務会計システムに接続できず、支出命令を出勤日にまとめた。",
                    "telework_min": 1,
                },
            ),
        ],
    ),
    (
        "コミュニケーション",
        "",
        [
            ("reach", SC, "上司・同僚と必要な連絡がとれた。", {}),
            (
                "tools",
                M,
                "在宅勤務の日に使った連絡手段をすべて選んでください。",
                {
                    "choices": ["チャット", "Web会議", "電話", "メール", "朝のミーティング"],
                    "telework_min": 1,
                },
            ),
            (
                "drops",
                SC,
                "Web会議で接続が切れる・音声が途切れるなど、困ることがあった。",
                {"telework_min": 1},
            ),
        ],
    ),
    (
        "孤独感・疲労",
        "",
        [
            ("lonely", SC, "在宅勤務の日に孤独を感じることがあった。", {"telework_min": 1}),
            (
                "switch",
                SC,
                "仕事と私生活の切り替えが難しかった。",
                {"telework_min": 1},
            ),
            (
                "fatigue",
                S,
                "在宅勤務の日の疲れ方は、庁舎での勤務と比べてどうでしたか。",
                {
                    "choices": ["少ない", "同じくらい", "多い"],
                    "telework_min": 1,
                },
            ),
        ],
    ),
    (
        "機器・通信環境",
        "",
        [
            (
                "problems",
                M,
                "機器や回線で困ったことをすべて選んでください。",
                {
                    "choices": [
                        "VPNがつながりにくい・切れる",
                        "回線が遅い",
                        "自宅のWi-Fi・ルーターの不調",
                        "端末の性能が足りない",
                        "画面が小さく作業しにくい",
                        "特になし",
                        OTHER,
                    ],
                    "telework_min": 1,
                },
            ),
            (
                "line",
                S,
                "自宅で主に使った回線を選んでください。",
                {
                    "choices": [
                        "光回線",
                        "モバイルルーター",
                        "スマートフォンのテザリング",
                        OTHER,
                    ],
                    "telework_min": 1,
                },
            ),
        ],
    ),
    (
        "育児・介護",
        "",
        [
            (
                "care",
                S,
                "育児や介護と仕事の両立のために在宅勤務を利用しましたか（今後利用したいですか）。",
                {"choices": ["はい", "いいえ"]},
            ),
            (
                "care_text",
                T,
                "両立のために必要な配慮や制度について教えてください。",
                {"required": False, "if_choice": ("care", "はい")},
            ),
        ],
    ),
    (
        "来年度に向けて",
        "",
        [
            ("again", SC, "来年度も在宅勤務を利用したい。", {}),
            (
                "days_wish",
                N,
                "希望する在宅勤務の日数（1週間あたり）を入力してください。",
                {"min": 0, "max": 5, "unit": "日"},
            ),
            (
                "good_text",
                T,
                "在宅勤務で良かったことを書いてください。",
                {"required": False, "telework_min": 1},
            ),
            (
                "wish_text",
                T,
                "来年度に向けての要望・ご意見を自由に書いてください。",
                {"required": False},
            ),
        ],
    ),
]


def question_count() -> int:
    return sum(len(questions) for _title, _desc, questions in SECTIONS)


def build(survey: Survey) -> dict[str, Question]:
    """Create the sections, questions and choices on an empty `survey`; by key."""
    by_key: dict[str, Question] = {}
    choice_by: dict[tuple[str, str], Choice] = {}
    for s_order, (title, description, questions) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(
            survey=survey, order=s_order, title=title, description=description
        )
        for q_order, (key, kind, text, opts) in enumerate(questions, start=1):
            condition = opts.get("if_choice")
            question = Question.objects.create(
                survey=survey,
                section=section,
                order=q_order,
                kind=kind,
                text=text,
                help_text=opts.get("help", ""),
                required=opts.get("required", True),
                min_value=opts.get("min"),
                max_value=opts.get("max"),
                unit_label=opts.get("unit", ""),
                show_if_telework_days_min=opts.get("telework_min"),
                show_if_telework_days_max=opts.get("telework_max"),
                show_if_choice=choice_by[condition] if condition else None,
            )
            by_key[key] = question
            for c_order, label in enumerate(opts.get("choices", ()), start=1):
                choice_by[(key, label)] = Choice.objects.create(
                    question=question, order=c_order, label=label, is_other=label == OTHER
                )
    return by_key


def ensure_default_template() -> Survey:
    """The shipped template, created on first use (idempotent)."""
    existing = Survey.objects.filter(is_template=True, template_key=TEMPLATE_KEY).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        survey = Survey.objects.create(
            title=TITLE,
            description=DESCRIPTION,
            anonymous=True,
            is_template=True,
            template_key=TEMPLATE_KEY,
            owner_role="planning",
        )
        build(survey)
    return survey
