"""Export brief… (Ctrl+E), several briefs into a folder, Preview, Weekly report…: the PDFs appear and parse, the
work runs off the GUI thread, failures reach the notice bar. File dialogs and the system viewer are replaced."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from gui_builders import Desk, MakeDesk, build_database
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from escdesk.briefs import pdf as brief_pdf
from escdesk.domain import Level
from escdesk.reports.weeks import IsoWeek
from ui import exports
from ui.exports import ExportController


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> Desk:
    db = tmp_path / "book.sqlite"
    build_database(db)
    window, controller = make_desk()
    with qtbot.waitSignal(controller.board_loaded, timeout=20_000):
        controller.start(str(db))
    return window, controller


@pytest.fixture
def viewer(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    opened: list[Path] = []
    monkeypatch.setattr(exports, "open_in_viewer", opened.append)
    return opened


def exporter(desk: Desk) -> ExportController:
    found = desk[1].findChild(ExportController)
    assert found is not None
    return found


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_export_brief_of_the_selected_case(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewer: list[Path]
) -> None:
    window, _ = desk
    card = next(c for c in window.board.cards() if c.customer_name == "Müller & Söhne GmbH")
    assert window.board.select_case(card.id)
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()
    asked: list[Path] = []
    monkeypatch.setattr(exports, "choose_pdf_file", lambda _w, _t, suggested: asked.append(suggested) or target)
    builder_threads: list[str] = []
    real = brief_pdf.build_brief_pdf  # imported where the PDF is built (reportlab loads with the first one)
    monkeypatch.setattr(brief_pdf, "build_brief_pdf", lambda *a, **k: builder_threads.append(
        threading.current_thread().name) or real(*a, **k))  # fmt: skip

    controller = exporter(desk)
    assert controller.actions.export_brief.shortcut().toString() == "Ctrl+E"
    with qtbot.waitSignal(controller.exported, timeout=20_000) as done:
        controller.actions.export_brief.trigger()
        assert controller.busy.isVisible()
    assert done.args == [[str(target)]]
    assert asked[0].name == f"ESC-{card.number} brief.pdf"
    text = pdf_pages(target)
    assert len(text) == 1 and "Müller & Söhne GmbH" in text[0] and card.reference in text[0]
    assert builder_threads and not builder_threads[0].startswith("MainThread")
    assert viewer == [target]  # "open the file after export" is on by default
    assert not controller.busy.isVisible()
    assert "Wrote brief.pdf" in window.statusBar().currentMessage()


def test_several_selected_cases_give_one_file_each_in_a_folder(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewer: list[Path]
) -> None:
    window, _ = desk
    view = window.board.columns[Level.L0].view
    model = window.board.models[Level.L0]
    assert model.rowCount() == 2
    for row in range(2):
        view.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    folder = tmp_path / "briefs"
    folder.mkdir()
    monkeypatch.setattr(exports, "choose_folder", lambda *_args: folder)
    controller = exporter(desk)
    controller.actions.open_after.setChecked(False)
    with qtbot.waitSignal(controller.exported, timeout=20_000):
        controller.actions.export_brief.trigger()
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"ESC-{c.number} brief.pdf" for c in model.cards())
    assert all(len(pdf_pages(folder / name)) == 1 for name in names)
    assert viewer == []


def test_preview_writes_to_the_cache_and_opens_the_viewer(
    qtbot: QtBot, desk: Desk, viewer: list[Path], user_dirs: Path
) -> None:
    window, _ = desk
    card = window.board.cards()[0]
    window.board.select_case(card.id)
    controller = exporter(desk)
    with qtbot.waitSignal(controller.exported, timeout=20_000):
        controller.actions.preview_brief.trigger()
    assert len(viewer) == 1 and viewer[0].is_relative_to(user_dirs)
    assert len(pdf_pages(viewer[0])) == 1


def test_weekly_report(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewer: list[Path]
) -> None:
    target = tmp_path / "week.pdf"
    monkeypatch.setattr(exports, "ask_week", lambda _w, suggested: IsoWeek(2026, 10))
    monkeypatch.setattr(exports, "choose_pdf_file", lambda *_args: target)
    controller = exporter(desk)
    with qtbot.waitSignal(controller.exported, timeout=20_000):
        controller.actions.weekly_report.trigger()
    pages = pdf_pages(target)
    assert len(pages) >= 2
    assert "Page 1 of" in pages[0] and "week 10 of 2026" in pages[0]
    assert viewer == [target]


def test_nothing_selected_says_so(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    window, _ = desk
    monkeypatch.setattr(exports, "choose_pdf_file", lambda *_args: pytest.fail("no dialog without a selection"))
    for column in window.board.columns.values():
        column.view.selectionModel().clear()
    exporter(desk).actions.export_brief.trigger()
    assert "Select a case on the board first" in window.notice_bar.text


def test_a_failed_write_is_reported(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewer: list[Path]
) -> None:
    window, _ = desk
    window.board.select_case(window.board.cards()[0].id)
    missing = tmp_path / "no such folder" / "brief.pdf"
    monkeypatch.setattr(exports, "choose_pdf_file", lambda *_args: missing)
    controller = exporter(desk)
    with qtbot.waitSignal(controller.export_failed, timeout=20_000) as failed:
        controller.actions.export_brief.trigger()
    assert f"cannot write {missing}" in failed.args[0]
    assert not controller.busy.isVisible() and viewer == []
