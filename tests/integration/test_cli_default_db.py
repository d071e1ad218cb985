"""Without --db, every command uses the database the app has open (the last one it opened), as the README says;
init and demo write to the default file, so a new database never lands on the one in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from escdesk.cli import main
from escdesk.paths import default_database_path
from escdesk.settings import Settings


def test_commands_follow_the_database_the_app_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(demo), "--customers", "20", "--open", "4", "--history", "5"]) == 0
    Settings(last_database=str(demo)).save()  # what the app does when it opens a database
    capsys.readouterr()
    assert main(["cases"]) == 0
    assert capsys.readouterr().out.count("ESC-") == 4
    assert main(["backup", "-o", str(tmp_path / "copy.sqlite")]) == 0
    assert (tmp_path / "copy.sqlite").exists()


def test_init_and_demo_without_db_use_the_default_file(tmp_path: Path) -> None:
    demo = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(demo), "--customers", "20", "--open", "4", "--history", "5"]) == 0
    Settings(last_database=str(demo)).save()
    assert main(["init"]) == 0
    assert default_database_path().exists() and demo.exists()


def test_a_remembered_database_that_is_gone_falls_back_to_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Settings(last_database=str(tmp_path / "deleted.sqlite")).save()
    assert main(["cases"]) == 1
    assert str(default_database_path()) in capsys.readouterr().err
