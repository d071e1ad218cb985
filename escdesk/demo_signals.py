"""The signals a demo case's story implies (a legal letter, a public post, several customers down), written as a
person would set them in the prompts panel: a row in escalation_flags and its entry in the case history.

Without them the rules that read signals (issue 6) would never fire on the demo. Each case draws from its own
random stream, so adding signals changes no other demo row.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from escdesk.domain import CaseType, EventKind
from escdesk.facts import SIGNAL_LABELS, Signal
from escdesk.ids import seeded_id

Row = tuple[Any, ...]
COLUMNS: dict[str, tuple[str, ...]] = {"escalation_flags": ("escalation_id", "flag", "set_by", "set_at")}

# A story's level jump (demo_words.JUMPS) -> the signals a person records for it.
BY_DRIVER: dict[str, tuple[str, ...]] = {
    "exec_contact": (Signal.EXEC_CONTACT,),
    "termination": (Signal.TERMINATION_NOTICE, Signal.LEGAL_LETTER),
    "security": (Signal.SECURITY_INCIDENT,),
    "regulator": (Signal.REGULATOR, Signal.SEVERAL_CUSTOMERS),
    "press": (Signal.PRESS,),
}
# What every case of a type says by itself in the demo's stories: its outages are platform-wide (they involve
# the incident commander, as the multi-customer outage rule does).
BY_TYPE: dict[CaseType, tuple[str, ...]] = {
    CaseType.OUTAGE: (Signal.SEVERAL_CUSTOMERS,),
    CaseType.SECURITY: (Signal.SECURITY_INCIDENT,),
    CaseType.EXEC_CONTACT: (Signal.EXEC_CONTACT,),
    CaseType.SPONSOR_LOSS: (Signal.SPONSOR_LEFT,),
    CaseType.FEATURE_GAP: (Signal.RENEWAL_BLOCKED,),  # every demo feature-gap story says the renewal waits on it
}


def case_signals(case_type: CaseType, drivers: tuple[str, ...]) -> list[str]:
    """The signals of one story, each once, in a stable order."""
    found = [*BY_TYPE.get(case_type, ()), *(s for d in drivers for s in BY_DRIVER.get(d, ()))]
    return list(dict.fromkeys(found))


def signal_rows(
    case_id: str, case_type: CaseType, drivers: tuple[str, ...], at: datetime, owner: str
) -> tuple[list[Row], list[Row]]:
    """The flag rows and their history entries (case_events rows) of one case, both recorded at `at`."""
    signals = case_signals(case_type, drivers)
    rng = random.Random(f"signals:{case_id}")
    flags = [(case_id, signal, owner, at) for signal in signals]
    return flags, [_event(rng, case_id, at, owner, signal) for signal in signals]


def _event(rng: random.Random, case_id: str, at: datetime, owner: str, signal: str) -> Row:
    kind = EventKind.FIELD_CHANGED.value
    before, after = f"signal {signal}: clear", f"signal {signal}: set"
    return (seeded_id(rng, at), case_id, at, owner, kind, before, after, None, None, None, SIGNAL_LABELS[signal])
