"""The three drill templates shipped with Yakuba (Japanese; loaded by
``manage.py load_drill_templates`` or the button on the template list, idempotently).

The senders use ``example`` domains (RFC 2606): they can never belong to anyone.
"""

from __future__ import annotations

from typing import Any

SHIPPED: tuple[dict[str, Any], ...] = (
    {
        "code": "delivery-notice",
        "name": "不在通知（宅配便の再配達）",
        "subject": "【お荷物お届けのお知らせ】ご不在のため持ち帰りました",
        "sender_name": "配送センター",
        "sender_address": "notice@delivery-center.example",
        "body": (
            "{name} 様\n\n"
            "お荷物をお届けにあがりましたが、ご不在のため持ち帰りました。\n"
            "保管期限は本日を含め3日間です。期限を過ぎたお荷物は差出人へ返送されます。\n\n"
            "再配達のお申し込みは、下記よりお手続きください。\n"
            "{link}\n\n"
            "※本メールは送信専用です。\n"
            "配送センター"
        ),
        "signs": (
            "職場のメールアドレスに、私用の宅配便の不在通知が届くことは通常ありません。\n"
            "差出人のアドレスが実在の宅配業者のドメインではありません。\n"
            "「保管期限は3日間」「返送されます」と急がせて、確かめる時間を与えないようにしています。\n"
            "伝票番号・差出人名など、本物の通知に必ずある情報がありません。\n"
            "リンク先のアドレスが宅配業者の公式サイトではありません。"
            "再配達は、公式アプリや伝票の番号から自分で手続きしましょう。"
        ),
        "fake_form": False,
        "form_title": "",
    },
    {
        "code": "password-expiry",
        "name": "パスワード有効期限の通知",
        "subject": "【重要】パスワードの有効期限が本日で切れます",
        "sender_name": "情報システム管理室",
        "sender_address": "it-support@city-mail-admin.example",
        "body": (
            "{name} 様\n\n"
            "ご利用中のアカウントのパスワードの有効期限が、本日 17:00 で切れます。\n"
            "期限を過ぎるとメール・庁内システムにサインインできなくなります。\n\n"
            "引き続きご利用いただくには、次のページで現在のパスワードを確認し、"
            "新しいパスワードを設定してください。\n"
            "{link}\n\n"
            "情報システム管理室"
        ),
        "signs": (
            "差出人のアドレスが庁内のドメインではありません（表示名だけが「情報システム管理室」です）。\n"
            "情報システム担当がメールのリンクから現在のパスワードを入力させることはありません。\n"
            "「本日 17:00 で切れます」と期限を切って急がせています。\n"
            "宛名以外に、庁内の連絡らしい具体的な情報（担当者名・内線番号）がありません。\n"
            "パスワードの変更は、ブックマークしている正規のページから自分で行いましょう。"
        ),
        "fake_form": True,
        "form_title": "パスワードの確認と更新",
    },
    {
        "code": "citizen-inquiry",
        "name": "市民からの問い合わせ（添付ファイル）",
        "subject": "住民票の写しの請求について（資料を添付します）",
        "sender_name": "山本 健一",
        "sender_address": "k.yamamoto.1978@free-mail.example",
        "body": (
            "ご担当者様\n\n"
            "先日窓口でご相談した件で、必要な書類の一覧を作成しました。\n"
            "内容に不足がないか確認していただけますでしょうか。\n"
            "ファイルが大きいため、共有リンクでお送りします。\n\n"
            "▼ 請求書類一覧.zip（2.4MB）\n"
            "{link}\n\n"
            "お手数ですが、本日中にご確認いただけますと助かります。\n"
            "山本"
        ),
        "signs": (
            "面識のない差出人からの、思い当たらない「先日の件」の連絡です。\n"
            "業務のメールなのに、フリーメールのアドレスから送られています。\n"
            "添付の代わりに共有リンクで .zip ファイルを開かせようとしています"
            "（圧縮ファイルはウイルスを隠す典型的な手口です）。\n"
            "「本日中に」と急がせています。\n"
            "心当たりがないときは開かずに、所属長と情報セキュリティ担当に相談しましょう。"
            "市民への確認は、記録にある電話番号など別の手段で行います。"
        ),
        "fake_form": False,
        "form_title": "",
    },
)
