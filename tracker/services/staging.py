"""Uploaded files waiting between preview and confirmation, kept under instance/imports.

A staged file is named by the SHA-256 of its content, so the confirmation applies
exactly the bytes that were previewed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _folder(instance_dir: Path) -> Path:
    folder = instance_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(instance_dir: Path, filename: str, data: bytes) -> str:
    token = hashlib.sha256(data).hexdigest()
    folder = _folder(instance_dir)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename}), encoding="utf-8")
    return token


def load(instance_dir: Path, token: str) -> tuple[str, bytes] | None:
    if not _TOKEN.match(token):
        return None
    folder = _folder(instance_dir)
    data_path, meta_path = folder / f"{token}.bin", folder / f"{token}.json"
    if not data_path.exists() or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return meta["filename"], data_path.read_bytes()


def discard(instance_dir: Path, token: str) -> None:
    if _TOKEN.match(token):
        for suffix in (".bin", ".json"):
            (_folder(instance_dir) / f"{token}{suffix}").unlink(missing_ok=True)
