"""`escdesk brief` and `escdesk report weekly`: the PDFs they write, their exit codes and messages, atomic writes."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from escdesk import exports
from escdesk.cli import main
from escdesk.connect import OpenedDatabase
from escdesk.domain import NewCase
from escdesk.services import CaseService


@pytest.fixture
def db_with_case(
    opened: OpenedDatabase, service: CaseService, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase], sqlite_db: Path,
) -> tuple[Path, str]:  # fmt: skip
    card = service.open_case(new_outage(make_customer()))
    opened.store.close()
    return sqlite_db, card.id


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


@pytest.mark.parametrize("reference", ["ESC-1001", "1001", "id"])
def test_brief_writes_a_one_page_pdf(
    db_with_case: tuple[Path, str], tmp_path: Path, reference: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db, case_id = db_with_case
    out = tmp_path / "brief.pdf"
    assert main(["brief", case_id if reference == "id" else reference, "--db", str(db), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    text = pages(out)
    assert len(text) == 1 and "Müller & Söhne GmbH" in text[0]


def test_brief_options(db_with_case: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = db_with_case
    out = tmp_path / "letter.pdf"
    assert main(["brief", "ESC-1001", "--db", str(db), "-o", str(out), "--paper", "Letter", "--redact"]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    assert "REDACTED COPY" in reader.pages[0].extract_text()
    assert "$1,200,000" not in reader.pages[0].extract_text()


def test_an_unknown_case_is_exit_1_naming_it(
    db_with_case: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = db_with_case
    out = tmp_path / "brief.pdf"
    assert main(["brief", "ESC-77", "--db", str(db), "-o", str(out)]) == 1
    assert "escdesk: error: no case 'ESC-77'" in capsys.readouterr().err
    assert not out.exists()


def test_weekly_report(db_with_case: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = db_with_case
    out = tmp_path / "week.pdf"
    assert main(["report", "weekly", "--week", "2026-W10", "--db", str(db), "-o", str(out)]) == 0
    text = pages(out)
    assert len(text) >= 2 and all(f"of {len(text)}" in page for page in text)
    assert main(["report", "weekly", "--db", str(db), "-o", str(out)]) == 0  # this week


@pytest.mark.parametrize(("week", "message"), [("2026-48", "invalid week '2026-48'"), ("2026-W60", "week 60")])
def test_a_bad_week_is_exit_1_before_the_database_is_opened(
    tmp_path: Path, week: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite"
    assert main(["report", "weekly", "--week", week, "--db", str(missing), "-o", str(tmp_path / "w.pdf")]) == 1
    assert message in capsys.readouterr().err
    assert not missing.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    db_with_case: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = db_with_case
    out = tmp_path / "brief.pdf"
    out.write_bytes(b"the previous brief")

    def crash(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    assert main(["brief", "ESC-1001", "--db", str(db), "-o", str(out)]) == 1
    assert f"cannot write {out}: No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"the previous brief"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".brief.pdf")) == []


def test_write_atomically_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(exports.ExportFailed, match="is a folder"):
        exports.write_atomically(tmp_path, b"%PDF")
