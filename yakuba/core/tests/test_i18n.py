"""The English catalogue: complete, compiled, and actually used when rendering.

Source strings (msgids) are Japanese; ``yakuba/locale/en/LC_MESSAGES/django.po`` is the
only catalogue.  Refresh it with ``make messages`` (makemessages + compilemessages) and
translate every new entry; the compiled ``django.mo`` is committed too.

These tests need GNU gettext (xgettext, msgmerge, msgfmt, ...).  CI installs it, so a
missing gettext is a failure, not a skip.
"""

from __future__ import annotations

import ast
import gettext as pygettext
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "yakuba"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}
SKIPPED_DIRS = {
    "planner",
    "__pycache__",
}  # planner/ is excluded from the catalogue (make messages -i)
REFRESH = (
    "`make messages`, i.e. `cd yakuba && DEBUG=1 ../.venv/bin/python ../manage.py "
    "makemessages -l en "
    '--no-location --no-obsolete -i "planner/*" && DEBUG=1 ../.venv/bin/python ../manage.py '
    "compilemessages -l en`"
)


def require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"GNU gettext is required for the i18n tests but {', '.join(missing)} "
            "was not found on PATH. "
            "Install it (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext).",
            pytrace=False,
        )


def parse_po(text: str) -> list[dict]:
    """Entries of a PO file: msgctxt/msgid/msgid_plural/msgstr[n] and flags (skips #~)."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    key: tuple | None = None

    def finish() -> None:
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {"flags": set(), "msgstr": {}}, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if "msgid" in entry:
                finish()
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key and key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            elif key:
                entry[key[0]] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][index] = value
                key = ("msgstr", index)
            else:
                if keyword in ("msgctxt", "msgid") and "msgid" in entry:
                    finish()
                entry[keyword] = value
                key = (keyword,)
    finish()
    return entries


def problems(entries: list[dict]) -> tuple[list[str], list[str]]:
    """(untranslated msgids, fuzzy msgids); a plural entry needs every msgstr[n]."""
    untranslated, fuzzy = [], []
    for e in entries:
        if e["msgid"] == "":
            continue
        forms = e["msgstr"]
        if not forms or not all(forms.values()) or ("msgid_plural" in e and len(forms) < 2):
            untranslated.append(e["msgid"])
        elif "fuzzy" in e["flags"]:
            fuzzy.append(e["msgid"])
    return untranslated, fuzzy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_sources(dest_root: Path) -> Path:
    """Copy the package's translatable sources (+ locale/) under dest_root; return the copy."""
    target = dest_root / "yakuba"
    for dirpath, dirnames, filenames in os.walk(PACKAGE):
        rel = Path(dirpath).relative_to(PACKAGE)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIPPED_DIRS and not (rel == Path() and d == "locale")
        )
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES:
                (target / rel).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, target / rel / name)
    shutil.copytree(LOCALE, target / "locale")
    return target


def test_catalogue_covers_every_source_string(tmp_path):
    """makemessages over a copy of the tree leaves no untranslated or fuzzy entry."""
    require_gettext()
    assert PO.exists(), f"{PO} is missing; create it with {REFRESH}"
    real_before = digest(PO)
    copy = copy_sources(tmp_path)
    copy_po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    copy_po.write_text(
        copy_po.read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )  # mark: must be rewritten
    marked = digest(copy_po)

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE="yakuba.settings", DEBUG="1", PYTHONPATH=str(tmp_path))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
            "-i",
            "planner/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"makemessages failed:\n{proc.stdout}\n{proc.stderr}"
    # It ran against the copy (the copy's settings put LOCALE_PATHS in tmp), not the real package.
    assert digest(PO) == real_before, "makemessages touched the real catalogue instead of the copy"
    assert digest(copy_po) != marked, "makemessages did not rewrite the copied catalogue"

    entries = parse_po(copy_po.read_text(encoding="utf-8"))
    assert len(entries) > 100, "suspiciously few entries; did makemessages find the sources?"
    untranslated, fuzzy = problems(entries)
    # Cross-check with gettext's own view of the file.
    for option, found in (("--untranslated", untranslated), ("--only-fuzzy", fuzzy)):
        out = subprocess.run(
            ["msgattrib", option, "--no-wrap", str(copy_po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for e in parse_po(out):
            if e["msgid"] and e["msgid"] not in found:
                found.append(e["msgid"])
    report = [f"  untranslated: {m!r}" for m in untranslated] + [f"  fuzzy: {m!r}" for m in fuzzy]
    assert not report, (
        f"{len(report)} entr{'y' if len(report) == 1 else 'ies'} of {PO.relative_to(REPO)} "
        "need an English "
        f"translation (run {REFRESH}; then translate them and remove '#, fuzzy'):\n"
        + "\n".join(report)
    )


def test_committed_catalogue_is_valid_english():
    text = PO.read_text(encoding="utf-8")
    assert '"Language: en\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    entries = parse_po(text)
    untranslated, fuzzy = problems(entries)
    assert not untranslated, f"untranslated in {PO.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {PO.name}: {fuzzy}"


def test_compiled_catalogue_is_up_to_date(tmp_path):
    """The committed .mo holds exactly what msgfmt makes of the committed .po."""
    require_gettext()
    assert MO.exists(), f"{MO} is missing; run {REFRESH} and commit it"
    fresh = tmp_path / "django.mo"
    proc = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        f"msgfmt rejected {PO.name} (placeholders must match):\n{proc.stderr}"
    )
    with fresh.open("rb") as f:
        expected = pygettext.GNUTranslations(f)
    with MO.open("rb") as f:
        committed = pygettext.GNUTranslations(f)
    # The parsed catalogues (GNUTranslations keeps them in an undeclared attribute).
    old, new = vars(expected)["_catalog"], vars(committed)["_catalog"]
    stale = sorted(str(k) for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    assert not stale, (
        f"{MO.name} is stale ({len(stale)} differing entries, e.g. {stale[:5]}); run {REFRESH}"
    )


def test_gettext_uses_english_catalogue():
    with translation.override("en"):
        assert translation.gettext("ホーム") == "Home"
        assert translation.gettext("監査記録") == "Audit trail"
        assert translation.ngettext("%(n)s 人", "%(n)s 人", 1) % {"n": 1} == "1 person"
        assert translation.ngettext("%(n)s 人", "%(n)s 人", 3) % {"n": 3} == "3 people"
    with translation.override("ja"):
        assert translation.gettext("ホーム") == "ホーム"


@pytest.mark.django_db
def test_login_page_language_negotiation(client):
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    html = english.content.decode()
    assert 'lang="en"' in html
    assert "Sign in" in html and "Username" in html
    assert "サインイン" not in html

    japanese = client.get("/accounts/login/")
    html = japanese.content.decode()
    assert japanese.status_code == 200
    assert 'lang="ja"' in html
    assert "サインイン" in html and "Sign in" not in html

    client.cookies["django_language"] = "en"
    by_cookie = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in by_cookie and "Sign in" in by_cookie
