"""The awareness topics every security capability speaks of (DOMAIN.md, the source page).

Questions and lessons are filed under a topic, a drill names the topic its follow-up
teaches, an incident category maps to one, and the score explains itself per topic.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    TELEWORK = "telework", _("在宅勤務の基本")
    HOME_NETWORK = "home_network", _("自宅のWi-Fi・ルーター")
    LOANED_TERMINAL = "loaned_terminal", _("貸出端末")
    REMOVABLE_MEDIA = "removable_media", _("USBメモリ等の外部記録媒体")
    MISSENT_MAIL = "missent_mail", _("メール・FAXの誤送信")
    PHISHING = "phishing", _("標的型攻撃メール・フィッシング")
    PASSWORDS = "passwords", _("パスワード・多要素認証")
    SCREEN_PEEKING = "screen_peeking", _("画面ののぞき見")
    HOME_PRINTING = "home_printing", _("自宅での印刷")
    PERSONAL_DATA = "personal_data", _("個人情報の取扱い")
    INCIDENT_REPORTING = "incident_reporting", _("インシデントの報告")
    NETWORK_SEPARATION = "network_separation", _("LGWAN接続系とインターネット接続系の分離")
