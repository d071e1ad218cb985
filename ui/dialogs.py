"""Small modal dialogs, each one function returning what the person chose (None when they cancelled).

Only ever called on the main thread; tests replace these functions (or the Qt calls inside) with fakes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from escdesk import __version__

DATABASE_FILTER = "EscDesk databases (*.sqlite *.db);;All files (*)"
TEAM_URL_EXAMPLE = "postgresql://alex@db.example.com:5432/escdesk"


def ask_password(parent: QWidget | None, display: str, reason: str) -> str | None:
    """The password for a team database, typed hidden. Empty or cancelled: None."""
    label = f"{display}\n\n{reason[:1].upper()}{reason[1:]}. EscDesk saves it in your system keyring if it can."
    password, ok = QInputDialog.getText(parent, "Team database password", label, QLineEdit.EchoMode.Password, "")
    return password if ok and password else None


def ask_team_url(parent: QWidget | None, suggestion: str = "") -> str | None:
    """A PostgreSQL URL without password (the password is asked for and kept in keyring)."""
    label = f"PostgreSQL URL of the team database, for example\n{TEAM_URL_EXAMPLE}\n(no password: you are asked for it)"
    url, ok = QInputDialog.getText(parent, "Connect team database", label, QLineEdit.EchoMode.Normal, suggestion)
    return url.strip() if ok and url.strip() else None


def choose_database_file(parent: QWidget | None, folder: Path) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open database", str(folder), DATABASE_FILTER)
    return Path(path) if path else None


def choose_new_database_file(parent: QWidget | None, folder: Path) -> Path | None:
    """Where to create an empty database; an existing file is refused later, never overwritten."""
    path, _ = QFileDialog.getSaveFileName(
        parent,
        "New empty database",
        str(folder / "escdesk.sqlite"),
        DATABASE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix else chosen.with_suffix(".sqlite")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent,
        "About EscDesk",
        f"<h3>EscDesk {__version__}</h3>"
        "<p>The escalation desk for Customer Success leaders: every open escalation on one board by level, "
        "the people to involve and by when, service recovery checklists and one-page executive briefs.</p>"
        "<p>Your data stays in your database; team databases keep their password in the system keyring.</p>",
    )
