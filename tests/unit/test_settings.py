"""Settings: typed defaults, a broken file never stops the app, atomic saves, and never a password on disk."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from escdesk import paths
from escdesk.settings import SETTINGS_VERSION, Settings, without_password


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    """Where Settings lives; inside this test's private XDG config folder (the top-level conftest sets it)."""
    path = Settings.path()
    assert path.parent == paths.config_dir()
    assert tmp_path in path.parents, "settings must live in the test's private folders"
    return path


def write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def test_missing_file_gives_defaults(settings_file: Path) -> None:
    assert not settings_file.exists()
    assert Settings.load() == Settings(last_database=None, paper_size="A4", display_timezone=None)


def test_save_and_load(settings_file: Path) -> None:
    Settings(last_database="/data/esc.sqlite", paper_size="Letter", display_timezone="Europe/Paris").save()
    assert Settings.load() == Settings("/data/esc.sqlite", "Letter", "Europe/Paris")
    stored = json.loads(settings_file.read_text(encoding="utf-8"))
    assert stored["version"] == SETTINGS_VERSION
    assert stored["values"]["paper_size"] == "Letter"


def test_save_creates_the_folder(settings_file: Path) -> None:
    assert not settings_file.parent.exists()
    Settings().save()
    assert settings_file.is_file()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[1, 2, 3]",
        '"just a string"',
        '{"version": 1, "values": [1, 2]}',
        '{"version": 1, "values": null}',
        '{"version": 1}',
    ],
    ids=["bad-json", "empty", "list", "string", "values-list", "values-null", "no-values"],
)
def test_corrupt_file_gives_defaults(settings_file: Path, content: str, caplog: pytest.LogCaptureFixture) -> None:
    write(settings_file, content)
    with caplog.at_level(logging.WARNING, logger="escdesk.settings"):
        assert Settings.load() == Settings()
    assert str(settings_file) in caplog.text


def test_undecodable_file_gives_defaults(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_bytes(b"\xff\xfe\x00garbage")
    assert Settings.load() == Settings()


def test_values_of_the_wrong_type_fall_back_one_by_one(settings_file: Path) -> None:
    write(
        settings_file,
        json.dumps({"version": 1, "values": {"paper_size": 5, "display_timezone": "Asia/Tokyo", "last_database": []}}),
    )
    assert Settings.load() == Settings(last_database=None, paper_size="A4", display_timezone="Asia/Tokyo")


def test_unknown_and_null_values(settings_file: Path) -> None:
    write(
        settings_file,
        json.dumps({"version": 99, "values": {"from_the_future": True, "display_timezone": None, "paper_size": None}}),
    )
    # None is allowed where the setting is optional, not for paper_size.
    assert Settings.load() == Settings()


def test_a_failed_save_leaves_the_old_file(settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Settings(paper_size="Letter").save()
    before = settings_file.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patched, pytest.raises(OSError, match="disk full"):
        patched.setattr(os, "replace", crash)
        Settings(paper_size="A4", last_database="/other.sqlite").save()
    assert settings_file.read_bytes() == before
    assert Settings.load().paper_size == "Letter"


def test_save_replaces_the_file_in_one_step(settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new content is written to a sibling file and renamed over the old one."""
    Settings().save()
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        calls.append((os.fspath(source), os.fspath(destination)))
        assert json.loads(Path(source).read_text(encoding="utf-8"))["values"]["paper_size"] == "Letter"
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    Settings(paper_size="Letter").save()
    assert len(calls) == 1
    source, destination = calls[0]
    assert destination == str(settings_file)
    assert Path(source).parent == settings_file.parent
    assert not Path(source).exists()


# -- never a secret -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("postgresql://lead:s3cret@db.example.com:5433/escdesk", "postgresql://lead@db.example.com:5433/escdesk"),
        ("postgres://lead:s3cret@h/escdesk?sslmode=require", "postgres://lead@h/escdesk?sslmode=require"),
        ("postgresql://lead@h/escdesk?password=s3cret", "postgresql://lead@h/escdesk"),
        ("postgresql://lead@h/escdesk", "postgresql://lead@h/escdesk"),
        ("postgresql://lead:s3cret@h:notaport/escdesk", "postgresql://lead:***@h:notaport/escdesk"),
        ("/home/lead/esc.sqlite", "/home/lead/esc.sqlite"),
        ("C:\\Users\\lead\\esc.sqlite", "C:\\Users\\lead\\esc.sqlite"),
    ],
)
def test_saved_database_never_holds_a_password(settings_file: Path, given: str, stored: str) -> None:
    settings = Settings(last_database=given)
    settings.save()
    text = settings_file.read_text(encoding="utf-8")
    assert "s3cret" not in text
    assert json.loads(text)["values"]["last_database"] == stored
    assert Settings.load().last_database == stored
    assert settings.last_database == given  # saving does not change the object in memory


def test_a_hand_written_password_is_not_loaded(settings_file: Path) -> None:
    write(settings_file, json.dumps({"version": 1, "values": {"last_database": "postgresql://a:s3cret@h/db"}}))
    assert Settings.load().last_database == "postgresql://a@h/db"


def test_without_password_leaves_none_and_paths_alone() -> None:
    assert without_password(None) is None
    assert without_password("relative/esc.sqlite") == "relative/esc.sqlite"
