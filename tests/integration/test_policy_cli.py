"""`escdesk policy check|export|import FILE` and `escdesk prompts CASE [--json]`: exit codes, messages, files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from escdesk.cli import main
from escdesk.connect import OpenedDatabase
from escdesk.domain import NewCase
from escdesk.policy_store import user_policy_path
from escdesk.services import CaseService
from resources import resource_path


def _default() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("policy", "default.json").read_text(encoding="utf-8"))
    return data


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_check_accepts_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(resource_path("policy", "default.json"))]) == 0
    assert "is valid (20 rules, 22 roles, 6 levels)" in capsys.readouterr().out


def test_check_refuses_a_bad_rule_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _default()
    data["rules"][2]["when"] = {"regex": ["x"]}
    assert main(["policy", "check", str(_write(tmp_path / "team.json", data))]) == 1
    err = capsys.readouterr().err
    assert "team.json: rule 'performance-over-24h': unknown operator 'regex'" in err


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "shared.json"
    assert main(["policy", "export", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == _default()
    data = json.loads(out.read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    assert main(["policy", "import", str(_write(out, data))]) == 0
    assert json.loads(user_policy_path().read_text(encoding="utf-8"))["version"] == "2027.1"
    again = tmp_path / "again.json"
    assert main(["policy", "export", str(again)]) == 0  # the policy in force is now the imported one
    assert json.loads(again.read_text(encoding="utf-8"))["version"] == "2027.1"


def test_import_of_a_bad_file_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _default()
    data["rules"][0]["then"]["involve"][0]["role"] = "astrologer"
    assert main(["policy", "import", str(_write(tmp_path / "bad.json", data))]) == 1
    assert "unknown role 'astrologer'" in capsys.readouterr().err
    assert not user_policy_path().exists()


@pytest.fixture
def db_with_case(
    opened: OpenedDatabase, service: CaseService, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase], sqlite_db: Path,
) -> Path:  # fmt: skip
    case = service.open_case(new_outage(make_customer()))  # an S1 outage of a $1.2M (strategic) account
    assert case.number == 1001
    opened.store.close()
    return sqlite_db


def test_prompts_prints_sentences(db_with_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["prompts", "ESC-1001", "--db", str(db_with_case), "--as-of", "2026-03-02T10:00Z"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("ESC-1001 EU region outage (L3, policy 2026.1)")
    assert "- Bring in COO (nobody in the directory covers COO) by Mon 02 Mar 13:00 UTC: tell the COO what" in out


def test_prompts_json(db_with_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["prompts", "1001", "--db", str(db_with_case), "--as-of", "2026-03-02T14:00Z", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reference"] == "ESC-1001" and data["level"] == "L3"
    coo = next(i for i in data["involvements"] if i["role"] == "coo")
    assert coo["rule"] == "strategic-s1-coo" and coo["nobody_covers"] and coo["overdue"]
    assert coo["due_at"] == "2026-03-02T13:00:00Z" and coo["status"] == "proposed"
    assert [p["to_level"] for p in data["ladder"]] == ["L4"]  # the S1 ceiling of 4 h passed at 13:00


def test_prompts_for_an_unknown_case_is_exit_1(db_with_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "ESC-4242", "--db", str(db_with_case)]) == 1
    assert "ESC-4242" in capsys.readouterr().err


def test_prompts_for_a_closed_case_says_so_by_its_number(
    opened: OpenedDatabase, service: CaseService, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase], sqlite_db: Path, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    case = service.open_case(new_outage(make_customer()))
    with opened.store.uow() as uow:  # closed by hand: closing through the service needs the whole checklist
        uow.session.execute(text("UPDATE escalations SET status = 'closed', closed_at = opened_at"))
        uow.commit()
    opened.store.close()
    assert main(["prompts", case.reference, "--db", str(sqlite_db)]) == 1
    err = capsys.readouterr().err
    assert f"{case.reference} is not open" in err and case.id not in err


def test_check_warns_when_a_changed_file_keeps_the_version_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _default()
    data["levels"][1]["name"] = "Team lead"
    assert main(["policy", "check", str(_write(tmp_path / "edited.json", data))]) == 0
    err = capsys.readouterr().err
    assert "keeps its version '2026.1'" in err and "cases keep the version" in err and "'2026.1-edit-1'" in err
    assert main(["policy", "check", str(_write(tmp_path / "same.json", _default()))]) == 0
    assert capsys.readouterr().err == ""  # unchanged: nothing to warn about


def test_import_of_a_notepad_file_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_text(json.dumps({**_default(), "version": "2027.2"}), encoding="utf-8-sig")
    assert main(["policy", "import", str(path)]) == 0
    assert json.loads(user_policy_path().read_text(encoding="utf-8"))["version"] == "2027.2"


def test_import_of_a_file_with_a_huge_number_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bignum.json"
    path.write_text(json.dumps(_default()).replace("{", '{"z": 1' + "0" * 5000 + ", ", 1), encoding="utf-8")
    assert main(["policy", "import", str(path)]) == 1
    assert f"{path}.z: numbers of more than 4,300 digits" in capsys.readouterr().err
    assert not user_policy_path().exists()


def test_commands_run_under_the_users_policy_as_the_app_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """metrics (like brief, report, weekly, import, ladder, scan, prompts) reads the user's policy file, not the
    shipped default; a broken file falls back to the default and says so on stderr."""
    db = tmp_path / "team.sqlite"
    assert main(["init", "--db", str(db)]) == 0
    data = _default()
    data["severities"][0]["update_fast"] = "2h"  # the team's own S1 cadence
    assert main(["policy", "import", str(_write(tmp_path / "team.json", data))]) == 0
    capsys.readouterr()
    metrics = ["metrics", "--db", str(db), "--from", "2026-01-01", "--to", "2026-01-31", "--json"]
    assert main(metrics) == 0
    done = capsys.readouterr()
    cadence = json.loads(done.out)["tables"]["update_cadence"]["rows"]
    assert next(r["cadence"] for r in cadence if (r["severity"], r["pace"]) == ("S1", "fast")) == "2h"
    assert "note:" not in done.err
    user_policy_path().write_text("{ not json", encoding="utf-8")
    assert main(metrics) == 0
    done = capsys.readouterr()
    cadence = json.loads(done.out)["tables"]["update_cadence"]["rows"]
    assert next(r["cadence"] for r in cadence if (r["severity"], r["pace"]) == ("S1", "fast")) == "1h"
    assert (
        done.err.startswith("escdesk: note: Your policy file could not be used") and str(user_policy_path()) in done.err
    )
