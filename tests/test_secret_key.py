"""No known key, ever (issue 13): with SECRET_KEY unset each instance makes its own,
kept in the instance folder (0600) and read by every process after the first."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ProcessPoolExecutor

from tracker import create_app
from tracker.secret_key import instance_key


def test_an_unset_key_is_made_once_and_kept(tmp_path):
    settings = {"INSTANCE_DIR": tmp_path, "SECRET_KEY": "",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"}  # fmt: skip
    first = create_app(settings).config["SECRET_KEY"]
    again = create_app(settings).config["SECRET_KEY"]
    assert first == again and len(first) == 64
    assert first not in ("dev-only-change-me", "test", "")
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    other = tmp_path / "other"
    other.mkdir()
    assert instance_key(other) != first  # each instance its own
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_processes_starting_together_agree(tmp_path):
    with ProcessPoolExecutor(4) as pool:
        keys = set(pool.map(instance_key, [tmp_path] * 16))
    assert len(keys) == 1


def test_a_set_key_is_used_as_given(tmp_path):
    app = create_app({"INSTANCE_DIR": tmp_path, "SECRET_KEY": "k" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})  # fmt: skip
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()
