"""The managed list of skills / tags that a fresh install starts with."""

from __future__ import annotations

# (slug, name) — the names are the office's words; an administrator may add more.
DEFAULT_TAGS: tuple[tuple[str, str], ...] = (
    ("zoom", "Zoom の操作"),
    ("vpn", "VPN 接続"),
    ("lgwan-telework", "LGWANテレワーク"),
    ("excel", "Excel"),
    ("documents", "文書管理"),
    ("security", "セキュリティ"),
    ("devices", "機器の設定"),
)
