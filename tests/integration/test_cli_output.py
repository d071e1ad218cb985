"""The command line's own output never ends in a traceback: a non-UTF-8 locale prints a non-ASCII name as an
escape, and a reader that closes the pipe early (`escdesk cases | head`) ends the command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import NewCase
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAME = "Волга Логистик"


@pytest.fixture
def db_with_russian_customer(sqlite_db: Path, new_outage: Callable[..., NewCase]) -> Path:
    assert main(["init", "--db", str(sqlite_db)]) == 0
    opened = open_database(resolve_target(sqlite_db))
    try:
        customer = Customer(id=new_id(), name=NAME, band="ENT", arr_cents=50_000_000, timezone="UTC", version=1,
                            created_at=T0, updated_at=T0)  # fmt: skip
        with opened.store.uow() as uow:
            uow.session.add(customer)
            uow.commit()
        service = CaseService(opened.store, FrozenClock(T0), default_policy(), actor="lead")
        for n in range(3):
            service.open_case(new_outage(customer.id, title=f"Outage {n}"))
    finally:
        opened.store.close()
    return sqlite_db


def _escdesk(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from escdesk.cli import main; sys.exit(main(sys.argv[1:]))", *args]


def _c_locale() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    return {**env, "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}


def test_a_non_ascii_name_under_the_c_locale_is_escaped_not_a_traceback(db_with_russian_customer: Path) -> None:
    done = subprocess.run(_escdesk("cases", "--db", str(db_with_russian_customer)), env=_c_locale(),
                          capture_output=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    escaped = NAME.encode("ascii", "backslashreplace")
    assert escaped in done.stdout


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly(db_with_russian_customer: Path) -> None:
    child = subprocess.Popen(_escdesk("cases", "--db", str(db_with_russian_customer)), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the command writes anything: its first write meets a closed pipe
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=120) == 141
    assert stderr == b""
