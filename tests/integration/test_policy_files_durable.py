"""Policy files are written whole or not at all: `policy export` and the user's policy.json (policy_store)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import escdesk.policy_store
from escdesk.cli import main
from escdesk.policy_store import load_effective_policy, policy_data, save_user_policy


def test_export_replaces_the_file_instead_of_writing_into_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    out = folder / "shared.json"
    out.write_text("the team's old policy\n", encoding="utf-8")
    other_name = folder / "hardlink.json"
    os.link(out, other_name)  # same file, second name: written in place, it would change too
    assert main(["policy", "export", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert other_name.read_text(encoding="utf-8") == "the team's old policy\n"
    assert json.loads(out.read_text(encoding="utf-8"))["format"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert {p.name for p in folder.iterdir()} == {"shared.json", "hardlink.json"}  # no temporary left


def test_export_to_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "export", str(tmp_path)]) == 1
    assert "is a folder; give the name of the policy file to write" in capsys.readouterr().err


def test_the_users_policy_is_fsynced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "config" / "policy.json"
    happened: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        happened.append("fsync folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "fsync file")
        real_fsync(descriptor)

    def replace(source: Any, destination: Any) -> None:
        happened.append("rename")
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(escdesk.policy_store.os, "replace", replace)
    save_user_policy(policy_data(load_effective_policy(tmp_path / "none.json")), target)
    assert happened == ["fsync file", "rename", "fsync folder"]
    assert load_effective_policy(target).source == target
