"""Ids that travel between databases: ULIDs, time-ordered; seeded ones reproducible for demo data."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from ulid import ULID

from escdesk.ids import new_id, seeded_id

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_new_id_is_a_26_character_ulid() -> None:
    value = new_id()
    assert len(value) == 26
    assert set(value) <= CROCKFORD
    assert str(ULID.from_str(value)) == value


def test_new_ids_are_unique() -> None:
    assert len({new_id() for _ in range(1000)}) == 1000


def test_seeded_id_is_deterministic() -> None:
    first = [seeded_id(random.Random(42), AT + timedelta(seconds=i)) for i in range(5)]
    again = [seeded_id(random.Random(42), AT + timedelta(seconds=i)) for i in range(5)]
    assert first == again
    assert seeded_id(random.Random(43), AT) != seeded_id(random.Random(42), AT)


def test_seeded_id_carries_its_instant() -> None:
    value = seeded_id(random.Random(1), AT)
    assert len(value) == 26
    assert ULID.from_str(value).datetime == AT


def test_seeded_ids_sort_by_time_whatever_the_random_part() -> None:
    rng = random.Random(7)
    instants = [AT + timedelta(milliseconds=ms) for ms in (0, 1, 2, 1000, 60_000, 86_400_000)]
    ids = [seeded_id(rng, at) for at in instants]
    assert ids == sorted(ids)
    # Newer first in the generation order still sorts by time.
    backwards = [seeded_id(rng, at) for at in reversed(instants)]
    assert sorted(backwards) == list(reversed(backwards))


def test_seeded_id_sequence_from_one_rng_has_no_repeats() -> None:
    rng = random.Random(3)
    assert len({seeded_id(rng, AT) for _ in range(500)}) == 500
