"""After an import, the slow-burn scan runs (issue 6: "after each import and daily") and says what it proposes;
it writes nothing: each proposal waits for a person (`escdesk scan`, View > Slow-burn proposals…)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from escdesk.cli import main


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_import_that_shows_a_fall_in_health_reports_the_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "book.sqlite")
    assert main(["init", "--db", db]) == 0
    accounts = write(tmp_path, "accounts.csv", "Account ID,Name,ARR\r\nC-1,Acme,300000\r\nC-2,Globex,20000\r\n")
    assert main(["import", "customers", str(accounts), "--db", db]) == 0
    today = datetime.now(UTC).date()
    week_ago, yesterday = today - timedelta(days=6), today - timedelta(days=1)
    # Acme falls 30 points within a week (red); Globex holds steady.
    rows = f"C-1,{week_ago},82\r\nC-1,{yesterday},52\r\nC-2,{week_ago},70\r\nC-2,{yesterday},69\r\n"
    health = write(tmp_path, "health.csv", "Account ID,Date,Health Score\r\n" + rows)
    capsys.readouterr()
    assert main(["import", "health", str(health), "--db", db]) == 0
    said = capsys.readouterr().out
    assert "slow-burn scan: 1 escalation proposed" in said and "escdesk scan" in said
    assert main(["scan", "--json", "--db", db]) == 0  # still proposed, nothing was opened by the import
    assert '"Acme"' in capsys.readouterr().out
    assert main(["cases", "--db", db]) == 0
    assert "Acme" not in capsys.readouterr().out


def test_a_dry_run_scans_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "book.sqlite")
    assert main(["init", "--db", db]) == 0
    accounts = write(tmp_path, "accounts.csv", "Account ID,Name,ARR\r\nC-1,Acme,300000\r\n")
    assert main(["import", str(accounts), "--db", db, "--dry-run"]) == 0
    assert "slow-burn" not in capsys.readouterr().out
    assert main(["import", str(accounts), "--db", db]) == 0
    assert "slow-burn scan: 0 escalations proposed" in capsys.readouterr().out  # it ran, and says so
