"""Districts' snapshots imported into the province view: combined figures; the same
district, plan and date replaces; a corrupt or foreign file changes nothing."""

from __future__ import annotations

import io
import sqlite3
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import audit_events, sqlite_only
from tests.exporters.conftest import generate
from tracker.extensions import db
from tracker.models import ProvinceFigure, ProvinceSnapshot


@pytest.fixture
def app(demo_app):
    return demo_app


@pytest.fixture
def snapshot_file(app, tmp_path):
    path = tmp_path / "vinh-chau.sqlite"
    path.write_bytes(generate(app, "snapshot"))
    return path


def other_district(source, tmp_path, name="huyện Cù Lao Dung", done=4):
    """The same file as if another district had sent it, with `done` tasks done on time."""
    path = tmp_path / f"{name}.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("update metadata set value=? where key='district'", (name,))
    import json

    figures = json.loads(
        con.execute("select value from metadata where key='figures'").fetchone()[0]
    )
    before = figures["summary"]["counts"]["done_on_time"]["numerator"]
    figures["summary"]["counts"]["done_on_time"]["numerator"] = done
    figures["summary"]["counts"]["not_reported"]["numerator"] -= done - before
    con.execute("update metadata set value=? where key='figures'", (json.dumps(figures),))
    con.execute(
        "update figures set numerator=? where scope='plan' and measure='done_on_time'", (done,)
    )
    con.execute(
        "update figures set numerator=numerator-? where scope='plan' and measure='not_reported'",
        (done - before,),
    )
    con.commit()
    con.close()
    return path


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(ProvinceSnapshot)),
            db.session.scalar(select(func.count()).select_from(ProvinceFigure)),
        )


def run(app, path):
    return app.test_cli_runner().invoke(args=["import-snapshot", str(path)])


def test_import_replace_and_combine(app, client, auth, snapshot_file, tmp_path):
    result = run(app, snapshot_file)
    assert result.exit_code == 0, result.output
    assert "Đã nạp bản chụp của thị xã Vĩnh Châu" in result.output
    first = counts(app)
    assert first[0] == 1 and first[1] > 20
    again = run(app, snapshot_file)
    assert "Đã thay bản chụp cũ" in again.output and counts(app) == first
    with app.app_context():
        snapshot = db.session.scalar(select(ProvinceSnapshot))
        assert snapshot.as_of == date(2023, 12, 15)
        assert snapshot.headline == (
            "Đã và đang triển khai thực hiện được 07/23 nhiệm vụ, đạt 30,43% kế hoạch"
        )
    assert run(app, other_district(snapshot_file, tmp_path)).exit_code == 0
    auth.login()
    page = client.get("/province").get_data(as_text=True)
    assert "thị xã Vĩnh Châu" in page and "huyện Cù Lao Dung" in page
    # the other district: 2 more done, so 09 carried out of 23
    assert "Đã và đang triển khai thực hiện được 09/23 nhiệm vụ" in page
    # combined: 7 + 9 carried out of 23 + 23 activities
    assert (
        "Cộng chung:</b> Đã và đang triển khai thực hiện được 16/46 nhiệm vụ, đạt 34,78% kế hoạch"
        in page
    )


def corrupt(source, tmp_path):
    path = tmp_path / "corrupt.sqlite"
    data = bytearray(source.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page of garbage after an intact header
    path.write_bytes(bytes(data))
    return path


def foreign(source, tmp_path):
    path = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(path)
    con.execute("create table metadata (key text, value text)")
    con.execute("insert into metadata values ('format', 'datasette-thing')")
    con.commit()
    con.close()
    return path


def tampered(source, tmp_path):
    path = tmp_path / "tampered.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("update figures set numerator=50 where scope='plan' and measure='done_on_time'")
    con.commit()
    con.close()
    return path


def nul_in_text(source, tmp_path):
    """A NUL in a district's name: PostgreSQL could not store it, SQLite would."""
    path = tmp_path / "nul.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("update metadata set value = ? where key = 'district'", ("thị xã\x00Vĩnh Châu",))
    con.commit()
    con.close()
    return path


def older_format(source, tmp_path):
    """A snapshot of the figures before issue 12 (format 1): the district re-exports it."""
    path = tmp_path / "older.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("update metadata set value = '1' where key = 'format_version'")
    con.commit()
    con.close()
    return path


def as_recursive_view(table):
    def make(source, tmp_path):
        """The table replaced by a view that counts forever (it took 96 s and 4 GB)."""
        path = tmp_path / f"view-{table}.sqlite"
        path.write_bytes(source.read_bytes())
        con = sqlite3.connect(path)
        con.execute(f"DROP TABLE {table}")
        columns = {
            "figures": "x AS scope, x AS key, x AS label, x AS measure, x AS numerator, "
            "x AS denominator",
            "metadata": "'format' AS key, x AS value",
        }[table]
        con.execute(
            f"CREATE VIEW {table} AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
            f"SELECT x + 1 FROM c) SELECT {columns} FROM c"
        )
        con.commit()
        con.close()
        return path

    return make


def with_trigger(source, tmp_path):
    path = tmp_path / "trigger.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("CREATE TRIGGER t AFTER INSERT ON unit BEGIN DELETE FROM plan; END")
    con.commit()
    con.close()
    return path


def with_virtual_table(source, tmp_path):
    path = tmp_path / "virtual.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE search USING fts5(text)")
    con.commit()
    con.close()
    return path


def with_too_many_rows(source, tmp_path):
    path = tmp_path / "rows.sqlite"
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO figures (plan_id, scope, key, label, measure, numerator, denominator) "
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 150000) "
        "SELECT 1, 'unit', x, 'x', 'done', 0, 0 FROM c"
    )
    con.commit()
    con.close()
    return path


def truncated(source, tmp_path):
    path = tmp_path / "truncated.sqlite"
    path.write_bytes(source.read_bytes()[:3000])
    return path


def text_file(source, tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("Báo cáo PAPI", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (corrupt, "bị hỏng"),
        (truncated, "bị hỏng"),
        (foreign, "không phải bản chụp của PAPI Tracker"),
        (tampered, "không khớp"),
        (nul_in_text, "có ký tự NUL"),
        (text_file, "không phải cơ sở dữ liệu SQLite"),
        (older_format, "định dạng cũ (phiên bản 1)"),
        (as_recursive_view("figures"), "view «figures» không phải bảng dữ liệu"),
        (as_recursive_view("metadata"), "view «metadata» không phải bảng dữ liệu"),
        (with_trigger, "trigger «t» không phải bảng dữ liệu"),
        (with_virtual_table, "«search» không phải bảng dữ liệu"),
        (with_too_many_rows, "quá nhiều"),
    ],
)
def test_bad_files_change_nothing(app, snapshot_file, tmp_path, make, message):
    assert run(app, snapshot_file).exit_code == 0
    before = counts(app)
    bad = make(snapshot_file, tmp_path)
    result = run(app, bad)
    assert result.exit_code == 1
    assert message in result.output
    assert counts(app) == before
    ok, refused = audit_events(app, "import.snapshot")
    assert (ok["outcome"], refused["outcome"], refused["username"]) == ("ok", "failed", "dòng lệnh")
    assert message in refused["detail"]["Lý do"]


@sqlite_only("the app's own database is a file to offer as a snapshot only on SQLite")
def test_the_app_database_is_not_a_snapshot(app, tmp_path):
    source = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    result = run(app, source)
    assert result.exit_code == 1 and "không phải bản chụp của PAPI Tracker" in result.output
    missing = run(app, tmp_path / "none.sqlite")
    assert missing.exit_code == 1 and "Không tìm thấy tệp" in missing.output


def test_upload_on_the_province_page(app, client, auth, snapshot_file):
    auth.login()
    response = client.post(
        "/province/import",
        data={"file": (snapshot_file.open("rb"), "vinh-chau.sqlite")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã nạp bản chụp của thị xã Vĩnh Châu." in response.get_data(as_text=True)
    assert counts(app)[0] == 1
    client.post(
        "/province/import",
        data={"file": (io.BytesIO(b"not sqlite"), "hong.sqlite")},
        content_type="multipart/form-data",
    )
    done, refused = audit_events(app, "import.snapshot")
    assert (done["username"], done["outcome"], done["detail"]["Thay bản cũ"]) == (
        "noivu",
        "ok",
        False,
    )
    assert done["target"].startswith("thị xã Vĩnh Châu — 63/KH-UBND, tính đến 15/12/2023")
    assert (refused["target"], refused["outcome"]) == ("hong.sqlite", "failed")
