"""Backups: a consistent copy of the database plus the uploaded files, in one archive
with a manifest and checksums; and the restore that refuses what it cannot restore.

The archive (``yakuba-backup-YYYYmmdd-HHMMSS.tar.gz``) holds:

* ``manifest.json`` — format, when, the product version, the database engine, the last
  applied migration of every app, and the SHA-256 and size of every other member;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the web
  server and the worker keep writing) or ``database.pgdump`` (``pg_dump -Fc``, one
  consistent snapshot);
* ``files/…`` — every file of the default storage (uploads), read through Django's storage
  API so an S3-compatible store is backed up the same way.

A restore checks every checksum first, then refuses an archive made by another version of
the schema (its migrations differ from this code's: restore into the version that made it,
then upgrade with ``migrate``) or of another database engine. Only then does it replace the
database (SQLite: the online backup API in reverse; PostgreSQL: ``pg_restore --clean`` in
one transaction) and the uploaded files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
FILES_PREFIX = "files/"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (in English: these
    commands are run by an operator on the server)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def product_version() -> str:
    try:
        return version("yakuba")
    except PackageNotFoundError:  # running from a checkout that was not installed
        return "0+unknown"


def engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The last applied migration of every app, as recorded in the database."""
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    last: dict[str, str] = {}
    for app, name in sorted(applied):
        last[app] = max(last.get(app, ""), name)
    return last


def code_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The last migration of every app in this code (what ``migrate`` would reach)."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    last: dict[str, str] = {}
    for app, name in loader.graph.leaf_nodes():
        last[app] = max(last.get(app, ""), name)
    return last


def _pg_env(alias: str) -> tuple[dict[str, str], str]:
    settings = connections[alias].settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[var] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env, str(settings["NAME"])


def _run_pg_tool(tool: str, *args: str, alias: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env, _name = _pg_env(alias)
    done = subprocess.run(  # noqa: S603 - a PostgreSQL client tool, arguments from settings
        [program, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-500:]}")


def _storage_files(storage: Storage, path: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for name in sorted(dirs):
        yield from _storage_files(storage, f"{path}/{name}" if path else name)


def _dump_database(alias: str, target: Path) -> str:
    vendor = engine(alias)
    if vendor == "sqlite":
        source_path = connections[alias].settings_dict["NAME"]
        source = sqlite3.connect(source_path)
        try:
            copy = sqlite3.connect(target / SQLITE_MEMBER)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        return SQLITE_MEMBER
    _env, name = _pg_env(alias)
    _run_pg_tool(
        "pg_dump", "--format=custom", "--no-owner", "--file", str(target / PG_MEMBER), name,
        alias=alias,
    )  # fmt: skip
    return PG_MEMBER


def create_backup(output_dir: Path, *, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one archive into ``output_dir`` and return its path and manifest."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="yakuba-backup-"))
    try:
        database_member = _dump_database(alias, work)
        members = [database_member]
        storage = storages["default"]
        for name in _storage_files(storage):
            target = work / FILES_PREFIX / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            members.append(FILES_PREFIX + name)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "product_version": product_version(),
            "engine": engine(alias),
            "migrations": applied_migrations(alias),
            "database": database_member,
            "members": {
                m: {"sha256": _sha256(work / m), "bytes": (work / m).stat().st_size}
                for m in members
            },
        }
        path = output_dir / f"yakuba-backup-{stamp}.tar.gz"
        n = 1
        while path.exists() or path.with_suffix(".partial").exists():
            n += 1
            path = output_dir / f"yakuba-backup-{stamp}-{n}.tar.gz"
        partial = path.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for member in members:
                archive.add(work / member, arcname=member)
        partial.rename(path)  # a backup cut short never looks like a complete one
        return BackupResult(path, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def read_manifest(archive_path: Path) -> dict[str, Any]:
    with tarfile.open(archive_path, "r:gz") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError("the archive has no manifest.json: not a Yakuba backup")
        manifest: dict[str, Any] = json.loads(member.read())
        return manifest


def _extract_verified(archive_path: Path, work: Path) -> dict[str, Any]:
    try:
        manifest = read_manifest(archive_path)
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"cannot read the archive: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")
    listed = manifest.get("members", {})
    for member, expected in listed.items():
        path = work / member
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"checksum mismatch for {member}: the archive is damaged")
    present = {
        str(p.relative_to(work)) for p in work.rglob("*") if p.is_file() and p.name != MANIFEST
    }
    if present - set(listed):
        raise BackupError(f"files not in the manifest: {sorted(present - set(listed))[:5]}")
    return manifest


def check_restorable(manifest: dict[str, Any], *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse an archive of another database engine or of another schema version."""
    here = engine(alias)
    if manifest.get("engine") != here:
        raise BackupError(
            f"the backup is of a {manifest.get('engine')} database; this site runs {here}"
        )
    wanted, have = manifest.get("migrations", {}), code_migrations(alias)
    differ = sorted(app for app in set(wanted) | set(have) if wanted.get(app) != have.get(app))
    if differ:
        details = ", ".join(f"{a}: backup {wanted.get(a)} / code {have.get(a)}" for a in differ)
        raise BackupError(
            "the backup was made by another version of Yakuba (migrations differ: "
            f"{details}). Restore it with the version that made it "
            f"({manifest.get('product_version')}), then upgrade with `migrate`."
        )


def _restore_database(alias: str, manifest: dict[str, Any], work: Path) -> None:
    connection = connections[alias]
    if manifest["engine"] == "sqlite":
        connection.close()
        source = sqlite3.connect(work / SQLITE_MEMBER)
        try:
            live = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
            try:
                source.backup(live)  # page by page, under SQLite's own locking
            finally:
                live.close()
        finally:
            source.close()
        return
    connection.close()
    _env, name = _pg_env(alias)
    _run_pg_tool(
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", "--dbname", name, str(work / PG_MEMBER),
        alias=alias,
    )  # fmt: skip


def _restore_files(work: Path) -> int:
    storage = storages["default"]
    for name in list(_storage_files(storage)):
        storage.delete(name)
    root = work / FILES_PREFIX.rstrip("/")
    count = 0
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            storage.save(str(path.relative_to(root)), ContentFile(path.read_bytes()))
            count += 1
    return count


def restore_backup(archive_path: Path, *, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Verify, check and restore; returns the manifest. Nothing is changed on refusal."""
    work = Path(tempfile.mkdtemp(prefix="yakuba-restore-"))
    try:
        manifest = _extract_verified(archive_path, work)
        check_restorable(manifest, alias=alias)
        _restore_database(alias, manifest, work)
        _restore_files(work)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
