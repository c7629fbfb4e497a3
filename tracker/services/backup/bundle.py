"""The backup file: a .tar.gz with manifest.json first, then the database, then the
evidence files, each listed in the manifest with its size and SHA-256.

Why .tar.gz rather than .zip: tar and gzip are on every Linux server the app runs on, so
an operator can list or unpack a backup without Python (`tar tzf`); the archive is written
and read as one stream, so a large database is never held in memory; and gzip's trailer
(CRC-32 and length) lets a truncated copy be told from a whole one. Members are written
with owner root and mode 0600: evidence files are private.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tracker.services.backup.database import MEMBERS, BackupError, fsync_dir, fsync_file

FORMAT = "papi-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
ATTACHMENT_MEMBER = re.compile(r"attachments/([0-9a-f]{2})/(\1[0-9a-f]{62})")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BundleFile:
    member: str  # name inside the archive
    source: Path
    size: int
    sha256: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_file(member: str, source: Path) -> BundleFile:
    return BundleFile(member, source, source.stat().st_size, sha256_file(source))


def write_bundle(
    output: Path, manifest: dict[str, Any], files: list[BundleFile], mtime: int
) -> None:
    """Write the archive to a temporary name beside `output`, then rename it: a backup
    that fails half-way never leaves a file that looks like a backup."""
    manifest = {**manifest, "files": [_entry(f) for f in files]}
    partial = output.with_name(f".{output.name}.part")
    try:
        # Mode 0600 from the start: the bundle holds password hashes and evidence files.
        with (
            open(partial, "wb", opener=lambda path, flags: os.open(path, flags, 0o600)) as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
        ):
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            tar.addfile(_info(MANIFEST, len(data), mtime), io.BytesIO(data))
            for item in files:
                with open(item.source, "rb") as handle:
                    tar.addfile(_info(item.member, item.size, mtime), handle)
        fsync_file(partial)
        partial.replace(output)
        fsync_dir(output.parent)
    finally:
        partial.unlink(missing_ok=True)


def _entry(item: BundleFile) -> dict[str, Any]:
    return {"path": item.member, "size": item.size, "sha256": item.sha256}


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = mtime
    return info


def read_bundle(bundle: Path, staging: Path) -> dict[str, Any]:
    """Unpack `bundle` into `staging`, checking it against its manifest: nothing missing,
    nothing extra, every size and SHA-256 equal. Returns the manifest."""
    if not bundle.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu «{bundle}».")
    try:
        with gzip.open(bundle, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r:") as tar:
                manifest = _read_manifest(tar)
                _unpack_members(tar, manifest, staging)
            # Read to the end so gzip checks its CRC and length: a cut copy is refused.
            while stream.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeError) as exc:
        raise BackupError(
            f"Tệp «{bundle.name}» hỏng hoặc không đầy đủ, không phải bản sao lưu dùng được "
            f"({exc.__class__.__name__}). Không có gì bị thay đổi."
        ) from exc
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError("Tệp không phải bản sao lưu của hệ thống (thiếu manifest.json ở đầu).")
    if first.size > MAX_MANIFEST_BYTES:
        raise BackupError("manifest.json của bản sao lưu lớn bất thường: không dùng được.")
    handle = tar.extractfile(first)
    assert handle is not None  # a regular file always has content
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except ValueError as exc:
        raise BackupError("manifest.json của bản sao lưu không đọc được.") from exc
    check_manifest(manifest)
    return manifest


def check_manifest(manifest: Any) -> None:
    """Refuse a manifest of another format, or one naming a file we would not write."""
    ok = (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and isinstance(manifest.get("database"), dict)
        and manifest["database"].get("kind") in MEMBERS
        and isinstance(manifest["database"].get("counts"), dict)
        and isinstance(manifest.get("files"), list)
    )
    if not ok:
        raise BackupError("Tệp không phải bản sao lưu của hệ thống (manifest.json lạ).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Bản sao lưu theo định dạng phiên bản {manifest.get('format_version')!s:.10}, "
            f"phiên bản này chỉ đọc định dạng {FORMAT_VERSION}."
        )
    database_member = MEMBERS[manifest["database"]["kind"]]
    names = [_checked_entry(entry, database_member) for entry in manifest["files"]]
    if len(set(names)) != len(names) or database_member not in names:
        raise BackupError("manifest.json của bản sao lưu không hợp lệ (thiếu CSDL hoặc trùng tệp).")


def _checked_entry(entry: Any, database_member: str) -> str:
    valid = (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and (entry["path"] == database_member or ATTACHMENT_MEMBER.fullmatch(entry["path"]))
        and isinstance(entry.get("size"), int)
        and entry["size"] >= 0
        and isinstance(entry.get("sha256"), str)
        and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
    )
    if not valid:
        raise BackupError("manifest.json của bản sao lưu có mục không hợp lệ.")
    return str(entry["path"])


def _unpack_members(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path) -> None:
    expected = {entry["path"]: entry for entry in manifest["files"]}
    seen: set[str] = set()
    while (member := tar.next()) is not None:
        entry = expected.get(member.name)
        if entry is None or member.name in seen or not member.isfile():
            raise BackupError(f"Bản sao lưu có tệp «{member.name[:80]}» không ghi trong manifest.")
        if member.size != entry["size"]:
            raise BackupError(f"Tệp «{member.name}» trong bản sao lưu sai kích thước: hỏng.")
        handle = tar.extractfile(member)
        assert handle is not None
        if _copy_hashing(handle, staging / member.name) != entry["sha256"]:
            raise BackupError(
                f"Tệp «{member.name}» trong bản sao lưu không khớp SHA-256 ghi trong manifest: "
                "bản sao lưu đã bị sửa hoặc hỏng."
            )
        seen.add(member.name)
    missing = sorted(expected.keys() - seen)
    if missing:
        raise BackupError(
            f"Bản sao lưu thiếu {len(missing)} tệp ghi trong manifest (vd «{missing[0]}»)."
        )


def _copy_hashing(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def copy_file(source: Path, target: Path) -> None:
    """Copy to a temporary name, then rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    partial.replace(target)
