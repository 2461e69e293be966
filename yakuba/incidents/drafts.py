"""The prefilled lesson and question drawn from an incident (infosec edits before saving)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yakuba.incidents.anonymise import anonymise
from yakuba.incidents.models import Category, Incident
from yakuba.org.models import Staff


def _questions() -> dict[str, dict[str, Any]]:
    """Per category: the question, three choices (the first is right) and the explanation."""
    return {
        Category.SUSPICIOUS_MAIL: {
            "advice": _(
                "不審なメールは、リンクや添付ファイルを開かずに「不審なメールを報告」から報告して"
                "ください。早い報告が、同じメールを受け取った他の職員を守ります。"
            ),
            "question": _("不審なメールを受け取ったとき、最初にすることはどれですか。"),
            "choices": [
                _("リンクや添付ファイルを開かず、「不審なメールを報告」から報告する"),
                _("差出人に返信して、本物かどうか確かめる"),
                _("念のため添付ファイルを開いて中身を確かめる"),
            ],
            "explanation": _(
                "返信や添付ファイルを開くことは攻撃者の思うつぼです。開かずに報告すれば、"
                "情報セキュリティ担当が他の職員への注意喚起や受信の遮断を行えます。"
            ),
        },
        Category.LOST_DEVICE: {
            "advice": _(
                "端末やUSBメモリをなくしたと気づいたら、見つかるのを待たずにすぐ報告してください。"
                "早ければ遠隔でのロックや利用停止ができます。"
            ),
            "question": _("貸出端末やUSBメモリをなくしたと気づいたとき、どうしますか。"),
            "choices": [
                _("夜間や休日でも、すぐに報告する"),
                _("数日探して、見つからなければ報告する"),
                _("見つかる可能性があるので、しばらく誰にも言わない"),
            ],
            "explanation": _(
                "紛失の報告が早いほど、端末のロックやアカウントの停止で被害を防げます。"
                "見つかった場合も報告しておけば問題ありません。"
            ),
        },
        Category.MISSENT: {
            "advice": _(
                "メールやFAXを誤って送ったら、すぐに報告してください。送信前には宛先を声に出して"
                "確認し、個人情報は添付ファイルを暗号化して送ります。"
            ),
            "question": _("メールを誤った宛先に送ったと気づきました。どうしますか。"),
            "choices": [
                _("すぐに所属長と情報セキュリティ担当に報告する"),
                _("相手に削除を頼めたので、報告はしない"),
                _("気づかれないかもしれないので、何もしない"),
            ],
            "explanation": _(
                "誤送信は、相手への対応や本人への説明が必要になることがあります。"
                "相手が削除してくれた場合も、必ず報告してください。"
            ),
        },
        Category.VIRUS: {
            "advice": _(
                "ウイルス対策ソフトの警告が出たら、端末をネットワークから切り離し、すぐに"
                "報告してください。"
            ),
            "question": _("ウイルス対策ソフトの警告が表示されました。どうしますか。"),
            "choices": [
                _("ネットワークから切り離し、すぐに報告する"),
                _("警告を閉じて作業を続ける"),
                _("インターネットで駆除ツールを探して自分で実行する"),
            ],
            "explanation": _(
                "感染した端末をつないだままにすると、庁内の他の端末に広がるおそれがあります。"
                "自分で対処せず、情報セキュリティ担当の指示に従ってください。"
            ),
        },
        Category.UNAUTHORISED_ACCESS: {
            "advice": _(
                "身に覚えのないサインインやパスワード変更の通知に気づいたら、すぐに報告して"
                "ください。"
            ),
            "question": _("身に覚えのないサインインの通知が届きました。どうしますか。"),
            "choices": [
                _("すぐに報告し、指示に従ってパスワードを変える"),
                _("気のせいだと思って無視する"),
                _("通知メールのリンクからパスワードを変える"),
            ],
            "explanation": _(
                "通知メール自体が偽物のこともあります。リンクは使わず、報告してから"
                "いつもの画面でパスワードを変えてください。"
            ),
        },
        Category.OTHER: {
            "advice": _(
                "情報セキュリティで気になることは、小さなことでもすぐに報告してください。"
                "ヒヤリハットの報告が次の事故を防ぎます。"
            ),
            "question": _("情報セキュリティで気になることに気づいたとき、どうしますか。"),
            "choices": [
                _("小さなことでも、すぐに報告する"),
                _("確実に問題だとわかるまで様子を見る"),
                _("同僚にだけ相談して済ませる"),
            ],
            "explanation": _(
                "報告は責めるためではなく、早く手を打つためのものです。"
                "問題がなかった場合も、報告してよかったと考えてください。"
            ),
        },
    }


def prefill(incident: Incident) -> dict[str, Any]:
    """Initial values of the lesson form: the incident's text with people taken out."""
    names = list(Staff.objects.values_list("name", flat=True))
    template = _questions()[incident.category]
    story = anonymise(incident.description, names)
    body = "\n\n".join(
        [
            _("本市で実際にあった事例です（個人が特定されないよう一部を変えています）。"),
            story,
            template["advice"],
        ]
    )
    return {
        "title": _("事例から学ぶ：%(category)s") % {"category": incident.get_category_display()},
        "body": body,
        "question": template["question"],
        "choice_1": template["choices"][0],
        "choice_2": template["choices"][1],
        "choice_3": template["choices"][2],
        "correct": "1",
        "explanation": template["explanation"],
    }
