"""`escdesk scan [--json] [--confirm-all]` and `escdesk people import|export FILE`: output and exit codes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from escdesk.cli import main
from escdesk.connect import OpenedDatabase
from escdesk.store.models import HealthScore

MakeCustomer = Callable[..., str]  # the integration conftest fixture


@pytest.fixture
def db(opened: OpenedDatabase, sqlite_db: Path, make_customer: MakeCustomer) -> Path:
    """One Strategic customer whose health fell 30 points this week (the CLI runs on the real clock)."""
    customer = make_customer(arr="1200000", name="Contoso Pharmaceuticals")
    today = datetime.now(UTC).date()
    rows = [{"customer_id": customer, "measured_on": today - timedelta(days=ago), "score": 80 if ago else 50,
             "source": "gainsight"} for ago in (14, 7, 0)]  # fmt: skip
    with opened.store.uow() as uow:
        uow.session.execute(insert(HealthScore), rows)
        uow.commit()
    opened.store.close()
    return sqlite_db


def test_scan_lists_and_confirms(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 slow-burn escalation proposed")
    assert "S2  STRAT Contoso Pharmaceuticals: Health fell 30 points in 7 days (80 -> 50)" in out

    assert main(["scan", "--db", str(db), "--json", "--confirm-all"]) == 0
    found = json.loads(capsys.readouterr().out)
    (proposal,) = found["proposals"]
    assert (proposal["customer"], proposal["severity"], proposal["signal"]) == ("Contoso Pharmaceuticals", "S2", "red")
    assert len(found["opened"]) == 1 and found["opened"][0].startswith("ESC-")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT case_type, pace, source FROM escalations").fetchall()
    assert rows == [("health_decline", "slow_burn", "slow_burn_scan")]

    assert main(["scan", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["proposals"] == []  # the open case keeps it out


def test_people_import_and_export(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "name,email,title,role,bands,regions\n"
        "Aiko Tanaka,aiko@example.com,Support Lead,support_lead,ENT;STRAT,EMEA\n"
        "Aiko Tanaka,aiko@example.com,Support Lead,incident_commander,,\n",
        encoding="utf-8",
    )
    assert main(["people", "import", str(source), "--db", str(db)]) == 0
    assert "1 added, 0 updated, 0 unchanged" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    assert main(["people", "export", str(target), "--db", str(db)]) == 0
    assert target.read_text(encoding="utf-8") == (
        "name,email,title,role,bands,regions\n"
        "Aiko Tanaka,aiko@example.com,Support Lead,incident_commander,,\n"
        "Aiko Tanaka,aiko@example.com,Support Lead,support_lead,ENT;STRAT,EMEA\n"
    )
    assert main(["people", "import", str(target), "--db", str(db)]) == 0
    assert "0 added, 0 updated, 1 unchanged" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,title,role,bands,regions\nKim,kim@,,legal,,\n", encoding="utf-8")
    assert main(["people", "import", str(bad), "--db", str(db)]) == 1
    assert "line 2, column email ('kim@'): " in capsys.readouterr().err
    assert main(["people", "export", str(tmp_path / "no" / "such" / "dir.csv"), "--db", str(db)]) == 1
    assert "cannot write" in capsys.readouterr().err
