"""Whole-instance backup and restore: the database content and the evidence files, in one archive.

The archive (``boussole-backup/1``) is a gzip-compressed tar file holding, in this order:

- ``manifest.json`` — format, Boussole version, creation time, database engine, migration state
  per app, row counts per model, the cases whose audit chain verified, and the size and SHA-256
  of every other member;
- ``database.jsonl`` — every row Django stores (except sessions and login-throttling records),
  one object per line in Django's serialisation layout, primary keys kept, date-times to the
  microsecond (the audit trail's hashes cover them);
- ``files/...`` — every file under ``MEDIA_ROOT`` (the evidence files), byte for byte.

:func:`backup_create` writes the archive atomically (temporary file, then rename).
:func:`backup_verify` reads the whole archive without writing anything and refuses any damage.
:func:`backup_restore` verifies, then replaces the database content in one transaction and swaps
the files directory before committing, so that a failure leaves the previous state in place.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone
from django.utils.duration import duration_iso_string

from boussole import __version__
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.models import Case

FORMAT = "boussole-backup/1"
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES = "files"
#: Apps whose rows are not saved: open sessions (signed with the instance's secret key; everybody
#: logs in again after a restore) and django-axes login attempts and lockouts.
EXCLUDED_APPS = ("sessions", "axes")
#: Rows that Django creates by itself after migrations (a database holding only these is empty).
AUTOMATIC_MODELS = ("contenttypes.contenttype", "auth.permission")
_MANIFEST_MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refused backup or restore; the message is French and names the cause."""


@dataclass
class Summary:
    path: Path
    size: int = 0
    objects: int = 0
    cases: int = 0
    files: int = 0
    files_bytes: int = 0
    warnings: list[str] = field(default_factory=list)


# --- Serialisation ------------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """Like Django's encoder, but date-times keep their microseconds (hashed by the audit)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            return duration_iso_string(o)
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def _saved_models() -> list[type[Model]]:
    """Every concrete model whose rows are saved, in Django's dependency order."""
    app_list = []
    for config in apps.get_app_configs():
        if config.label in EXCLUDED_APPS:
            continue
        models = [model for model in config.get_models()
                  if model._meta.managed and not model._meta.proxy]
        if models:
            app_list.append((config, models))
    ordered: list[type[Model]] = serializers.sort_dependencies(app_list, allow_cycles=True)
    return ordered


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _serialise(model: type[Model], out: IO[bytes]) -> int:
    serializer = serializers.get_serializer("python")()
    count = 0
    batch: list[Model] = []

    def flush() -> None:
        for obj in serializer.serialize(batch):
            out.write(json.dumps(obj, cls=_Encoder, ensure_ascii=False).encode("utf-8") + b"\n")

    for obj in model._base_manager.order_by("pk").iterator(chunk_size=1000):
        batch.append(obj)
        count += 1
        if len(batch) == 1000:
            flush()
            batch = []
    if batch:
        flush()
    return count


# --- Migration state ----------------------------------------------------------------------------


def _code_migrations() -> dict[str, list[str]]:
    """The migrations of the installed code, per app (without touching the database)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state: dict[str, list[str]] = {}
    for app, name in loader.graph.nodes:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _pending_migrations(alias: str) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _applied_migrations(alias: str, code: dict[str, list[str]]) -> dict[str, list[str]]:
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    state: dict[str, list[str]] = {}
    for app, name in applied:
        if app in code:
            state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _compare_migrations(archived: dict[str, list[str]], version: str) -> None:
    code = _code_migrations()
    have = {(app, name) for app, names in code.items() for name in names}
    saved = {(app, name) for app, names in archived.items() for name in names}
    newer = sorted(f"{app}.{name}" for app, name in saved - have)
    if newer:
        raise BackupError(
            "l'archive vient d'un schéma de base plus récent que cette version de Boussole "
            f"(migrations inconnues : {', '.join(newer[:5])}"
            f"{'…' if len(newer) > 5 else ''}) : installez Boussole {version} ou plus récent "
            "pour la restaurer.")
    older = sorted(f"{app}.{name}" for app, name in have - saved)
    if older:
        raise BackupError(
            "l'archive vient d'un schéma de base plus ancien (migrations absentes de l'archive : "
            f"{', '.join(older[:5])}{'…' if len(older) > 5 else ''}) : restaurez-la avec "
            f"Boussole {version}, la version qui l'a créée, puis mettez Boussole à jour et "
            "lancez « boussole migrate ».")


# --- Backup -------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class _HashingReader(io.RawIOBase):
    """Reads a file while hashing what tarfile copies into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _files_to_save(media_root: Path, warnings: list[str]) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    if not media_root.is_dir():
        return found
    for directory, subdirs, names in os.walk(media_root):
        subdirs.sort()
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(media_root).as_posix()
            if path.is_symlink() or not path.is_file():
                warnings.append(f"« {relative} » n'est pas un fichier ordinaire (lien ?) : "
                                "non sauvegardé.")
                continue
            found.append((relative, path))
    return found


def _database_problem(exc: Exception) -> BackupError:
    return BackupError(f"la base de données ne répond pas ou refuse l'opération ({exc}).")


def _check_database_exists(alias: str) -> None:
    connection = connections[alias]
    database = connection.settings_dict
    if (connection.vendor == "sqlite" and not connection.is_in_memory_db()  # type: ignore[attr-defined]
            and not Path(str(database["NAME"])).is_file()):
        raise BackupError(f"aucune base de données dans « {database['NAME']} » : rien à "
                          "sauvegarder (lancez d'abord « boussole migrate »).")


def backup_create(out: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the whole instance to ``out`` (atomically: a temporary file, then a rename)."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"« {out} » est un dossier : indiquez un nom de fichier.")
    if not out.parent.is_dir():
        raise BackupError(f"le dossier « {out.parent} » n'existe pas.")
    _check_database_exists(using)
    summary = Summary(path=out)
    media_root = Path(settings.MEDIA_ROOT)
    code = _code_migrations()
    try:
        work = Path(tempfile.mkdtemp(prefix=".boussole-backup-", dir=out.parent))
    except OSError as exc:
        raise BackupError(f"écriture impossible dans « {out.parent} » ({exc.strerror}).") from exc
    try:
        try:
            pending = _pending_migrations(using)
            if pending:
                raise BackupError(
                    "la base n'est pas à jour pour cette version de Boussole (migrations en "
                    f"attente : {', '.join(pending[:5])}) : sauvegardez avec la version qui "
                    "l'utilise, ou lancez d'abord « boussole migrate ».")
            dump = work / DATABASE
            counts: dict[str, int] = {}
            verified: list[int] = []
            broken: list[int] = []
            connection = connections[using]
            outermost = not connection.in_atomic_block
            with transaction.atomic(using=using), dump.open("wb") as handle:
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:  # one consistent snapshot
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ "
                                       "READ ONLY")
                for model in _saved_models():
                    counts[_label(model)] = _serialise(model, handle)
                for case in Case.objects.using(using).order_by("pk"):
                    (verified if audit_verify(case) else broken).append(case.pk)
                migrations = _applied_migrations(using, code)
                engine = connection.vendor
        except DatabaseError as exc:
            raise _database_problem(exc) from exc
        if broken:
            summary.warnings.append(
                "la chaîne d'empreintes du journal ne se vérifie pas pour les dossiers n° "
                + ", ".join(map(str, broken)) + " (sauvegardés tels quels).")
        summary.objects = sum(counts.values())
        summary.cases = len(verified) + len(broken)

        files = _files_to_save(media_root, summary.warnings)
        members: list[dict[str, Any]] = []
        digest, size = _sha256_file(dump)
        members.append({"name": DATABASE, "size": size, "sha256": digest})
        for relative, path in files:
            digest, size = _sha256_file(path)
            members.append({"name": f"{FILES}/{relative}", "size": size, "sha256": digest})
            summary.files += 1
            summary.files_bytes += size
        manifest = {
            "format": FORMAT,
            "boussole_version": __version__,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": engine},
            "migrations": migrations,
            "excluded": {"apps": list(EXCLUDED_APPS),
                         "note": "sessions and login-throttling records (django-axes)"},
            "counts": counts,
            "audit": {"verified": verified, "broken": broken},
            "members": members,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")

        descriptor, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                                 dir=out.parent)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(manifest_bytes)
                    info.mtime = int(timezone.now().timestamp())
                    info.mode = 0o600
                    tar.addfile(info, io.BytesIO(manifest_bytes))
                    sources = [(DATABASE, dump), *((f"{FILES}/{r}", p) for r, p in files)]
                    for member, (name, path) in zip(members, sources, strict=True):
                        info = tarfile.TarInfo(name)
                        info.size = member["size"]
                        info.mtime = int(path.stat().st_mtime)
                        info.mode = 0o600
                        with path.open("rb") as handle:
                            reader = _HashingReader(handle)
                            tar.addfile(info, reader)
                        if reader.digest.hexdigest() != member["sha256"]:
                            raise BackupError(f"« {name} » a changé pendant la sauvegarde : "
                                              "recommencez.")
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BackupError(f"écriture impossible dans « {out.parent} » "
                          f"({exc.strerror or exc}).") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary.size = out.stat().st_size
    return summary


# --- Verification -------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    """A plain relative path: no absolute path, no ``..``, no backslash, no empty part."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _check_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BackupError("le manifeste (manifest.json) n'est pas un JSON lisible.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"le manifeste n'est pas au format {FORMAT}.")
    members = manifest.get("members")
    if not isinstance(members, list):
        raise BackupError("le manifeste ne liste pas les membres de l'archive.")
    names: set[str] = set()
    for entry in members:
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)):
            raise BackupError("le manifeste contient une entrée mal formée (nom, taille et "
                              "empreinte SHA-256 attendus).")
        name = entry["name"]
        if not _safe_name(name) or not (name == DATABASE or name.startswith(f"{FILES}/")):
            raise BackupError(f"le manifeste contient un chemin interdit : « {name} ».")
        if name in names:
            raise BackupError(f"le manifeste cite deux fois « {name} ».")
        names.add(name)
    if DATABASE not in names:
        raise BackupError("le manifeste ne contient pas la base de données (database.jsonl).")
    for key in ("migrations", "counts", "audit"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"le manifeste est incomplet (« {key} » manque).")
    return manifest


def _scan(path: Path, write: Callable[[str], IO[bytes]] | None = None) -> dict[str, Any]:
    """Read the whole archive, check every member against the manifest; optionally copy each
    member to ``write(name)``. Raises :class:`BackupError` at the first problem."""
    manifest: dict[str, Any] | None = None
    expected: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            with tarfile.open(fileobj=unzipped, mode="r|") as tar:
                for member in tar:
                    name = member.name
                    if not _safe_name(name) or not member.isreg():
                        raise BackupError(f"le membre « {name} » est refusé (chemin absolu, "
                                          "« .. », lien ou fichier spécial).")
                    source = tar.extractfile(member)
                    if source is None:  # pragma: no cover - regular members always have data
                        raise BackupError(f"le membre « {name} » est illisible.")
                    if manifest is None:
                        if name != MANIFEST:
                            raise BackupError("l'archive ne commence pas par son manifeste "
                                              "(manifest.json).")
                        if member.size > _MANIFEST_MAX_BYTES:
                            raise BackupError("le manifeste est anormalement volumineux.")
                        manifest = _check_manifest(source.read())
                        expected = {entry["name"]: entry for entry in manifest["members"]}
                        continue
                    entry = expected.get(name)
                    if entry is None:
                        raise BackupError(f"le membre « {name} » n'est pas dans le manifeste.")
                    if name in seen:
                        raise BackupError(f"le membre « {name} » apparaît deux fois.")
                    seen.add(name)
                    digest = hashlib.sha256()
                    size = 0
                    target = write(name) if write else None
                    try:
                        while chunk := source.read(_CHUNK):
                            digest.update(chunk)
                            size += len(chunk)
                            if target is not None:
                                target.write(chunk)
                    finally:
                        if target is not None:
                            target.close()
                    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                        raise BackupError(f"le membre « {name} » ne correspond pas à son "
                                          "empreinte SHA-256 (contenu modifié ou abîmé).")
            while unzipped.read(_CHUNK):  # up to the end: the gzip checksum is verified there
                pass
    except BackupError:
        raise
    except FileNotFoundError:
        raise BackupError(f"« {path} » n'existe pas.") from None
    except IsADirectoryError:
        raise BackupError(f"« {path} » est un dossier, pas une archive.") from None
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:
        raise BackupError(f"« {path} » n'est pas une archive lisible (archive tronquée ou "
                          f"abîmée : {exc}).") from None
    if manifest is None:
        raise BackupError("l'archive est vide : pas de manifeste.")
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"il manque à l'archive des membres annoncés par le manifeste : "
                          f"{', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}.")
    return manifest


def backup_verify(path: Path) -> dict[str, Any]:
    """The manifest of a complete, undamaged archive made by a compatible schema; writes nothing.
    """
    manifest = _scan(Path(path))
    _compare_migrations(manifest["migrations"], str(manifest.get("boussole_version", "?")))
    return manifest


# --- Restore ------------------------------------------------------------------------------------


def _database_has_data(alias: str) -> bool:
    """True if any saved table (other than Django's automatic rows) holds a row."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in _saved_models():
            table = model._meta.db_table
            if _label(model) in AUTOMATIC_MODELS or table not in tables:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return True
    return False


def _objects(dump: Path) -> Iterator[dict[str, Any]]:
    with dump.open("rb") as handle:
        for line in handle:
            yield json.loads(line)


def _swap_files(new: Path, media_root: Path, token: str) -> Path | None:
    """Put ``new`` in place of ``media_root``; returns where the previous files went."""
    old: Path | None = None
    if media_root.exists():
        old = media_root.parent / f".boussole-files-before-restore-{token}"
        os.rename(media_root, old)
    try:
        os.rename(new, media_root)
    except OSError:
        if old is not None:
            os.rename(old, media_root)
        raise
    return old


def _swap_back(new: Path, media_root: Path, old: Path | None) -> None:
    os.rename(media_root, new)
    if old is not None:
        os.rename(old, media_root)


def _load(dump: Path, manifest: dict[str, Any], alias: str) -> int:
    """Flush every table and load the dump (inside the caller's transaction)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    connection = connections[alias]
    tables = connection.introspection.django_table_names(only_existing=True,
                                                         include_views=False)
    if connection.vendor == "postgresql":  # TRUNCATE refuses tables with deferred checks pending
        connection.check_constraints()
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False))
    loaded = 0
    models: set[type[Model]] = set()
    for obj in serializers.deserialize("python", _objects(dump), using=alias):
        obj.save(using=alias)
        models.add(type(obj.object))
        loaded += 1
    connection.check_constraints()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    for label, count in manifest["counts"].items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            raise BackupError(f"modèle inconnu dans l'archive : « {label} ».") from None
        if model._base_manager.using(alias).count() != count:
            raise BackupError(f"« {label} » : {count} lignes attendues d'après le manifeste, "
                              "nombre différent après chargement.")
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():  # rows Django would add after a migration, if any
        create_contenttypes(config, verbosity=0, using=alias)
        create_permissions(config, verbosity=0, using=alias)
    for pk in manifest["audit"].get("verified", []):
        case = Case.objects.using(alias).filter(pk=pk).first()
        if case is None or not audit_verify(case):
            raise BackupError(f"le journal du dossier n° {pk} ne se vérifie plus après "
                              "chargement : restauration annulée.")
    return loaded


def backup_restore(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS,
                   migrate: Callable[[], None] | None = None) -> Summary:
    """Replace the database content and the files with the archive's. Nothing changes unless
    everything succeeds: a damaged archive is refused before anything is written, the database
    is replaced in one transaction, and the files directory is swapped just before the commit
    (and swapped back if the commit fails).

    ``migrate`` is called to create the tables when the database is not up to date."""
    path = Path(path)
    manifest = backup_verify(path)
    summary = Summary(path=path, size=path.stat().st_size)
    media_root = Path(settings.MEDIA_ROOT)
    try:
        media_root.parent.mkdir(parents=True, exist_ok=True)  # a fresh instance: its data folder
        staging = Path(tempfile.mkdtemp(prefix=".boussole-restore-", dir=media_root.parent))
    except OSError as exc:
        raise BackupError(f"écriture impossible dans « {media_root.parent} » "
                          f"({exc.strerror}).") from exc
    try:
        if not force and _database_has_data(using):
            raise BackupError("la base de données contient déjà des données ; la restauration "
                              "les remplace toutes. Relancez avec --force pour confirmer.")
        if _pending_migrations(using):
            if migrate is None:
                raise BackupError("la base n'est pas à jour : lancez d'abord « boussole "
                                  "migrate ».")
            migrate()
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, DatabaseError):
            raise _database_problem(exc) from exc
        raise

    token = staging.name.rsplit("-", 1)[-1]
    new_files = staging / FILES
    new_files.mkdir()
    dump = staging / DATABASE

    def write(name: str) -> IO[bytes]:
        target = (staging / name).resolve()
        if not target.is_relative_to(staging.resolve()):  # _safe_name already refused it
            raise BackupError(f"le membre « {name} » sort du dossier de restauration.")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("xb")

    old: Path | None = None
    swapped = False
    try:
        again = _scan(path, write)  # the archive may have changed since the first reading
        if again != manifest:
            raise BackupError("l'archive a changé pendant la restauration : recommencez.")
        try:
            with transaction.atomic(using=using):
                summary.objects = _load(dump, manifest, using)
                old = _swap_files(new_files, media_root, token)
                swapped = True
        except BaseException as exc:
            if swapped:  # the commit failed: the previous files go back in place
                _swap_back(new_files, media_root, old)
                old = None
            if isinstance(exc, DatabaseError | DeserializationError | ValidationError
                          | ValueError):
                raise BackupError(f"la base de données a refusé le contenu de l'archive ({exc})"
                                  " ; restauration annulée.") from exc
            raise
    except OSError as exc:
        raise BackupError(f"les fichiers n'ont pas pu être mis en place ({exc}) ; "
                          "restauration annulée.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    summary.cases = len(manifest["audit"].get("verified", [])) + len(
        manifest["audit"].get("broken", []))
    files = [m for m in manifest["members"] if m["name"].startswith(f"{FILES}/")]
    summary.files = len(files)
    summary.files_bytes = sum(m["size"] for m in files)
    return summary
