"""The key that signs sessions, CSRF tokens and unsubscribe links. A known key lets
anyone sign `{"user_id": 1}` and be the coordinator, so there is none in the code: with
SECRET_KEY unset, the first process to start makes a random one in the instance folder
(mode 0600) and every later one — web workers, the scheduler, commands — reads it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILENAME = "secret_key"


def instance_key(instance_dir: Path) -> str:
    """The instance's key, made on first use. Workers starting together race to create
    it: the file is written whole under another name and linked into place, which only
    one of them can do; the others read the winner's."""
    path = instance_dir / FILENAME
    if not path.exists():
        draft = instance_dir / f".{FILENAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            draft.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} chứa khóa bí mật không hợp lệ; xóa tệp để tạo khóa mới.")
    return key
