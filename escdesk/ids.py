"""Ids that travel between databases: ULIDs, sortable by creation time, as 26-character strings."""

from __future__ import annotations

import random
from datetime import datetime

from ulid import ULID


def new_id() -> str:
    return str(ULID())


def seeded_id(rng: random.Random, at: datetime) -> str:
    """A ULID whose random part comes from `rng`, so generated demo data is byte-for-byte reproducible."""
    millis = int(at.timestamp() * 1000)
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + rng.randbytes(10)))
