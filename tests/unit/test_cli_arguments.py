"""CLI conventions: usage errors exit 2, bad input exits 1 naming the problem, --help works everywhere.

These tests never open a database: every failure here is found before one would be opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from escdesk import __version__
from escdesk.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, build_parser, main

SUBCOMMANDS = ["gui", "init", "migrate", "demo", "cases"]


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == EXIT_USAGE
    return capsys.readouterr().err


def bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("escdesk: error: ")
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("argv", [[], *([c] for c in SUBCOMMANDS)], ids=["escdesk", *SUBCOMMANDS])
def test_help_exits_0(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--help"])
    assert caught.value.code == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("usage: escdesk")
    assert "--db PATH|URL" in out


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    assert parser.format_help().count("\n    ") >= len(SUBCOMMANDS)
    for command in SUBCOMMANDS:
        assert command in parser.format_help()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == EXIT_OK
    assert capsys.readouterr().out.strip() == f"escdesk {__version__}"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["cases", "--level", "L9"], "invalid level 'L9': use L0 to L5"),
        (["cases", "--level", "high"], "invalid level 'high'"),
        (["cases", "--db"], "argument --db: expected one argument"),
        (["demo", "--customers", "-5"], "argument --customers"),
        (["demo", "--open", "many"], "expected a whole number >= 0, got 'many'"),
        (["demo", "--seed", "x"], "argument --seed: invalid int value"),
        (["demo", "--as-of", "next tuesday"], "invalid instant 'next tuesday': use ISO 8601"),
        (["migrate", "--level", "L1"], "unrecognized arguments: --level"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], named: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert named in usage_error(argv, capsys)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["cases", "--db", ""], "--db is empty"),
        (["migrate", "--db", "   "], "--db is empty"),
        (["--db", "", "cases"], "--db is empty"),
        (["cases", "--db", "mysql://lead:s3cret@h/escdesk"], "unsupported database type 'mysql'"),
        (["init", "--db", "sqlite:///:memory:"], "in-memory SQLite database"),
        (["cases", "--db", "postgresql://lead@h"], "names no database"),
        (["cases", "--db", "postgresql://lead:s3cret@h:x/db"], "cannot read the database URL"),
    ],
)
def test_bad_db_values_exit_1(argv: list[str], named: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = bad_input(argv, capsys)
    assert named in err
    assert "s3cret" not in err


def test_missing_database_exits_1_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "esc.sqlite"
    err = bad_input(["cases", "--db", str(missing)], capsys)
    assert f"there is no database at {missing}" in err
    assert "escdesk init" in err
    assert not missing.parent.exists()


def test_init_refuses_an_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "esc.sqlite"
    existing.write_bytes(b"")
    err = bad_input(["init", "--db", str(existing)], capsys)
    assert f"{existing} already exists" in err
    assert "escdesk migrate" in err


def test_init_in_a_missing_folder_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no" / "such" / "folder" / "esc.sqlite"
    err = bad_input(["init", "--db", str(target)], capsys)
    assert f"the folder {target.parent} does not exist" in err
    assert not (tmp_path / "no").exists()


def test_db_goes_before_or_after_the_command(tmp_path: Path) -> None:
    parser = build_parser()
    assert parser.parse_args(["--db", "a.sqlite", "cases"]).db == "a.sqlite"
    assert parser.parse_args(["cases", "--db", "b.sqlite"]).db == "b.sqlite"
    assert parser.parse_args(["cases"]).db is None
    assert parser.parse_args(["--db", "a.sqlite", "cases", "--db", "b.sqlite"]).db == "b.sqlite"


@pytest.mark.parametrize(("text", "level"), [("L0", 0), ("l3", 3), ("5", 5), (" L2 ", 2)])
def test_level_spellings(text: str, level: int) -> None:
    assert build_parser().parse_args(["cases", "--level", text]).level == level


def test_the_import_kinds_the_parser_offers_are_the_importers() -> None:
    """The parser's list lives apart from the import package (building it stays cheap): it must not drift."""
    from escdesk.data_arguments import IMPORT_KINDS
    from escdesk.importing.presets import ImportKind

    assert (*(kind.value for kind in ImportKind), "cases") == IMPORT_KINDS


def test_building_the_parser_imports_no_command_body() -> None:
    """Every escdesk run builds the parser, the app's start included: the import package, openpyxl and the case
    export are imported only when their command runs."""
    import subprocess
    import sys

    code = (
        "import sys; from escdesk.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('escdesk.importing', 'openpyxl', 'escdesk.case_export', 'reportlab') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
