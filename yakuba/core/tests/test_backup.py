"""Backup → wipe → restore gives back every row of every table and every uploaded file;
a damaged archive, or one of another version or database engine, is refused unchanged."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yakuba.core.backup import BackupError, create_backup, read_manifest, restore_backup


def _tables() -> dict[str, list[str]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # schema names
            rows[table] = sorted(repr(r) for r in cursor.fetchall())
    return rows


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = storages["default"]
    assert isinstance(storage, FileSystemStorage)
    storage.location = str(settings.MEDIA_ROOT)  # the storage was created before the override
    storage.base_location = str(settings.MEDIA_ROOT)
    return storage


@pytest.fixture
def site_data(org, make_user, media):
    from yakuba.audit.models import AuditAction
    from yakuba.audit.services import record

    user = make_user("hr")
    record(AuditAction.UPDATE, actor=user, object_type="test", object_repr="変更 ①")
    media.save("uploads/2026/資料.txt", ContentFile("添付ファイル".encode()))
    return user


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_file(site_data, media, tmp_path) -> None:
    before = _tables()
    assert sum(len(r) for r in before.values()) > 20
    result = create_backup(tmp_path / "backups")
    assert result.path.name.startswith("yakuba-backup-") and result.path.suffix == ".gz"
    manifest = read_manifest(result.path)
    assert manifest["engine"] == connection.vendor
    assert "files/uploads/2026/資料.txt" in manifest["members"]
    # Wipe everything.
    call_command("flush", interactive=False, verbosity=0)
    media.delete("uploads/2026/資料.txt")
    assert _tables() != before
    restore_backup(result.path)
    assert _tables() == before
    with media.open("uploads/2026/資料.txt") as restored:
        assert restored.read().decode() == "添付ファイル"


def _rewrite(archive: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    out = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            data = change(info.name, data)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


@pytest.mark.django_db(transaction=True)
def test_damaged_or_foreign_archives_are_refused_and_nothing_changes(site_data, tmp_path) -> None:
    good = create_backup(tmp_path / "backups").path
    before = _tables()

    def damage_files(name: str, data: bytes) -> bytes:
        return data + b"x" if name.startswith("files/") else data

    def manifest_edit(**changes: object):
        def change(name: str, data: bytes) -> bytes:
            if name != "manifest.json":
                return data
            manifest = json.loads(data)
            for key, value in changes.items():
                if key == "migrations":
                    manifest["migrations"]["rosters"] = value
                else:
                    manifest[key] = value
            return json.dumps(manifest).encode()

        return change

    for change, message in [
        (damage_files, "checksum mismatch"),
        (manifest_edit(migrations="0001_initial"), "another version of Yakuba"),
        (manifest_edit(engine="oracle"), "this site runs"),
        (manifest_edit(format=99), "unknown backup format"),
    ]:
        with pytest.raises(BackupError, match=message):
            restore_backup(_rewrite(good, change))
        assert _tables() == before
    with pytest.raises(CommandError, match="no such archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")


@pytest.mark.django_db(transaction=True)
def test_backup_command_keeps_the_newest(site_data, tmp_path) -> None:
    out = io.StringIO()
    for _ in range(3):
        call_command("backup", "--output", str(tmp_path), "--keep", "2", stdout=out)
    assert len(list(tmp_path.glob("yakuba-backup-*.tar.gz"))) == 2
    assert "removed" in out.getvalue()
