"""Two EscDesks on one database (two processes on one SQLite file, two clients of one PostgreSQL database) editing
the same case: no corruption, every stale save detected (the version column) and offered as reload or merge,
never a silent overwrite.

The children are real processes (`python -c CHILD`), each with its own engine, as two laptops would be.
- lockstep: in every round both load the same version, then both save at once: exactly one wins, the other gets
  StaleCase and a merge of its edit against the stored case that lists the clash;
- free running: both move the case as fast as they can, retrying a stale save on the reloaded case (what Merge
  does when nothing clashes): the version ends at 1 + the moves that won, no version is claimed twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.domain import NewCase
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target


def record_figures(**figures: object) -> None:
    """Append to ESCDESK_FIGURES (a JSON-lines file) when set: docs/reliability.md quotes these runs."""
    destination = os.environ.get("ESCDESK_FIGURES")
    if destination:
        with open(destination, "a", encoding="utf-8") as out:
            out.write(json.dumps(figures) + "\n")


ROUNDS = int(os.environ.get("ESCDESK_CONCURRENCY_ROUNDS", "12"))
FREE_MOVES = int(os.environ.get("ESCDESK_CONCURRENCY_MOVES", "25"))

CHILD = r"""
import os, sys, time
from datetime import UTC, datetime
from pathlib import Path

mode, name, db, folder, case_id, count = sys.argv[1:7]
folder, count = Path(folder), int(count)
from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.domain import NewCase
from escdesk.domain import Level
from escdesk.errors import StaleCase
from escdesk.merge import merge_cards
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target

store = open_database(resolve_target(db)).store
service = CaseService(store, FrozenClock(datetime(2026, 12, 3, 12, tzinfo=UTC)), default_policy(), actor=name)
report = open(folder / f"{name}.report", "a", encoding="utf-8")
step = 1 if name == "a" else 2  # the two never want the same level: every clash is a real conflict

def say(line):
    report.write(line + "\n"); report.flush(); os.fsync(report.fileno())

def barrier(tag):
    (folder / f"{tag}.{name}").touch()
    other = folder / f"{tag}.{'b' if name == 'a' else 'a'}"
    deadline = time.monotonic() + 60
    while not other.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: the other process never reached {tag}")
        time.sleep(0.001)

def wanted(card):
    return Level((int(card.level) + step) % 6)

if mode == "lockstep":
    for round_ in range(count):
        barrier(f"start-{round_}")
        base = service.card(case_id)
        barrier(f"loaded-{round_}")
        try:
            moved = service.move_level(case_id, wanted(base), f"{name} round {round_}", base.version)
            say(f"won {round_} {base.version} {moved.version}")
        except StaleCase:
            theirs = service.card(case_id)
            merge = merge_cards(base, {"level": wanted(base)}, theirs)
            say(f"stale {round_} {base.version} {theirs.version} {len(merge.conflicts)}")
else:
    won = stale = 0
    while won < count:
        card = service.card(case_id)
        try:
            moved = service.move_level(case_id, wanted(card), f"{name} move {won}", card.version)
            won += 1
            say(f"won {moved.version}")
        except StaleCase:
            stale += 1  # reload and apply again on top of theirs
    say(f"stale-count {stale}")
store.close()
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_database(
    request: pytest.FixtureRequest,
    opened: OpenedDatabase,
    make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
    clock: FrozenClock,
) -> tuple[str, str]:
    """(--db value, case id): one database both processes use (SQLite file or PostgreSQL), holding one case."""
    if request.param == "sqlite":
        store = opened.store
    else:
        store = open_database(resolve_target(request.getfixturevalue("pg_url"))).store
    service = CaseService(store, clock, default_policy(), actor="setup")
    case_id = service.open_case(new_outage(make_customer(store=store))).id
    store.close()
    return store.target.display, case_id


def run_pair(mode: str, db: str, case_id: str, folder: Path, count: int) -> dict[str, list[list[str]]]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, mode, name, db, str(folder), case_id, str(count)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    errors = [child.communicate(timeout=240)[1] for child in children]
    for child, error in zip(children, errors, strict=True):
        assert child.returncode == 0, error
    return {
        name: [line.split() for line in (folder / f"{name}.report").read_text(encoding="utf-8").splitlines()]
        for name in ("a", "b")
    }


def stored(db: str, case_id: str) -> tuple[int, int, str]:
    """(version, level-change events, integrity check) of the case, read past our layers where we can."""
    version, by_actor = stored_moves(db, case_id)
    events = sum(by_actor.values())
    check = "ok"
    target = resolve_target(db)
    if target.path is not None:
        raw = sqlite3.connect(target.path)
        check = raw.execute("PRAGMA integrity_check").fetchone()[0]
        raw.close()
    return int(version), int(events), check


def stored_moves(db: str, case_id: str) -> tuple[int, dict[str, int]]:
    """(the case's version, its level changes counted by who made them)."""
    opened = open_database(resolve_target(db))
    try:
        with opened.store.engine.connect() as connection:
            version = connection.execute(
                text("SELECT version FROM escalations WHERE id = :id"), {"id": case_id}
            ).scalar_one()
            rows = connection.execute(
                text(
                    "SELECT actor, count(*) FROM case_events WHERE escalation_id = :id AND kind = 'level_changed' "
                    "GROUP BY actor"
                ),
                {"id": case_id},
            ).all()
    finally:
        opened.store.close()
    return int(version), {str(actor): int(count) for actor, count in rows}


def test_simultaneous_saves_one_wins_the_other_is_told(shared_database: tuple[str, str], tmp_path: Path) -> None:
    db, case_id = shared_database
    folder = tmp_path / "lockstep"
    folder.mkdir()
    reports = run_pair("lockstep", db, case_id, folder, ROUNDS)
    for round_ in range(ROUNDS):
        outcomes = sorted(line[0] for name in "ab" for line in reports[name] if int(line[1]) == round_)
        assert outcomes == ["stale", "won"], f"round {round_}: {outcomes}"
    stale_lines = [line for name in "ab" for line in reports[name] if line[0] == "stale"]
    won_lines = [line for name in "ab" for line in reports[name] if line[0] == "won"]
    # The loser had loaded the same version as the winner, and was offered a merge naming the clash (level).
    assert all(int(line[3]) == int(line[2]) + 1 and line[4] == "1" for line in stale_lines)
    assert sorted(int(line[3]) for line in won_lines) == list(range(2, ROUNDS + 2))
    assert stored(db, case_id) == (ROUNDS + 1, ROUNDS, "ok")
    backend = "postgresql" if db.startswith("postgresql") else "sqlite"
    record_figures(kind=f"lockstep {backend}", saves=2 * ROUNDS, won=ROUNDS, stale_detected=len(stale_lines), lost=0)


def test_free_running_processes_never_overwrite_each_other(shared_database: tuple[str, str], tmp_path: Path) -> None:
    db, case_id = shared_database
    folder = tmp_path / "free"
    folder.mkdir()
    reports = run_pair("free", db, case_id, folder, FREE_MOVES)
    won = {name: sum(1 for line in reports[name] if line[0] == "won") for name in "ab"}
    assert won == {"a": FREE_MOVES, "b": FREE_MOVES}
    # Every save a process was told succeeded is in the history under its name, and the version counted each one
    # once: no save overwrote another. (The card a save returns is read after its commit, so its version can
    # already include the other process's next save: the history, not that version, says whose save is whose.)
    version, by_actor = stored_moves(db, case_id)
    assert by_actor == won
    assert version == 1 + sum(won.values())
    assert stored(db, case_id)[2] == "ok"
    stale = sum(int(line[1]) for name in "ab" for line in reports[name] if line[0] == "stale-count")
    backend = "postgresql" if db.startswith("postgresql") else "sqlite"
    record_figures(kind=f"free running {backend}", saves=2 * FREE_MOVES + stale, won=2 * FREE_MOVES,
                   stale_detected=stale, lost=0)  # fmt: skip
