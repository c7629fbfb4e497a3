"""Uploaded files waiting between preview and confirmation, kept under instance/imports.

A staged file is named by the SHA-256 of its content, so the confirmation applies
exactly the bytes that were previewed. It is read once, when it is staged (outside any
write transaction): the tables read, or the reason it cannot be, are kept beside it, and
every later preview, mapping round and confirmation works from them, never from the
file again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.importers import BadFile, Document, read_document

_TOKEN = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Staged:
    filename: str
    data: bytes
    document: Document | None  # the file as read; None when it could not be
    error: str  # why it could not be read, in Vietnamese; "" when it was


def _folder(instance_dir: Path) -> Path:
    folder = instance_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(instance_dir: Path, filename: str, data: bytes) -> str:
    token = hashlib.sha256(data).hexdigest()
    try:
        document = read_document(filename, data)
        read: dict[str, object] = {
            "tables": document.tables,
            "paragraphs": document.paragraphs,
            "format": document.format,
        }
    except BadFile as exc:
        read = {"error": exc.message}
    folder = _folder(instance_dir)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"filename": filename, "read": read}
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def load(instance_dir: Path, token: str) -> Staged | None:
    if not _TOKEN.match(token):
        return None
    folder = _folder(instance_dir)
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    if not data_path.exists() or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    read = meta.get("read") or {}
    if "error" in read:
        return Staged(meta["filename"], data_path.read_bytes(), None, read["error"])
    data = data_path.read_bytes()
    if "tables" not in read:  # staged by an older version: read it now
        try:
            return Staged(meta["filename"], data, read_document(meta["filename"], data), "")
        except BadFile as exc:
            return Staged(meta["filename"], data, None, exc.message)
    document = Document(
        tables=tuple(tuple(tuple(row) for row in table) for table in read["tables"]),
        paragraphs=tuple(read["paragraphs"]),
        format=read["format"],
    )
    return Staged(meta["filename"], data, document, "")


def discard(instance_dir: Path, token: str) -> None:
    if _TOKEN.match(token):
        for suffix in (".bin", ".json"):
            (_folder(instance_dir) / f"{token}{suffix}").unlink(missing_ok=True)
