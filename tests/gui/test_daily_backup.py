"""The app's daily backup: taken once the board is shown, off the GUI thread and off the database worker, once a
day per database; a copy that fails is a notice and the board stays in use (issue 10)."""

from __future__ import annotations

from pathlib import Path

from gui_builders import MakeDesk, build_database
from pytestqt.qtbot import QtBot

from escdesk import backups
from ui.daily_backup import DailyBackup

WAIT = 20_000


def test_the_daily_copy_is_taken_after_the_board_is_shown(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db)
    window, controller = make_desk()
    daily = controller.findChild(DailyBackup)
    assert daily is not None
    heard: list[str] = []
    controller.board_loaded.connect(lambda _count: heard.append("board"))
    daily.backup_checked.connect(lambda copy: heard.append(copy.name if isinstance(copy, Path) else "none"))
    with qtbot.waitSignal(daily.backup_checked, timeout=WAIT) as checked:
        controller.start(str(db))
    assert heard[0] == "board"  # the board was shown before the copy was taken
    copy = checked.args[0]
    assert isinstance(copy, Path) and copy.name.startswith("book-daily-")
    assert [b.kind for b in backups.list_backups(db)] == ["daily"]
    assert window.board.cards()
    with qtbot.assertNotEmitted(daily.backup_checked, wait=200):
        controller.refresh()  # a second board load the same day checks nothing
        qtbot.waitSignal(controller.board_loaded, timeout=WAIT).wait()
    assert len(backups.list_backups(db)) == 1


def test_a_failing_daily_copy_is_a_notice_not_a_lost_board(qtbot: QtBot, tmp_path: Path, make_desk: MakeDesk) -> None:
    db = tmp_path / "book.sqlite"
    build_database(db)
    (db.parent / "backups").write_text("a file where the folder should be", encoding="utf-8")
    window, controller = make_desk()
    daily = controller.findChild(DailyBackup)
    assert daily is not None
    with qtbot.waitSignal(daily.backup_checked, timeout=WAIT) as checked:
        controller.start(str(db))
    assert checked.args == [None]
    assert window.notice_bar.text.startswith(f"The daily backup of {db} failed")
    assert window.board.cards()


def test_a_screenshot_run_takes_no_copy(tmp_path: Path, make_desk: MakeDesk) -> None:
    _window, controller = make_desk(screenshot=True)
    assert controller.findChild(DailyBackup) is None
