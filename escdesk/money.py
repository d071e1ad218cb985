"""Amounts are stored as integer cents (exact on every database, no float drift) and shown as Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_cents(amount: Decimal | int | float | str) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return Decimal(cents) / 100


def short_amount(amount: Decimal) -> str:
    """$1.1B, $1.2M, $350k, $900: how ARR reads on a card or a column header.

    The unit is chosen after rounding (half up, like money), so $999,999 reads $1.0M, not $1000k.
    """
    value = Decimal(amount)
    sign, size = ("-" if value < 0 else ""), abs(value)
    if _rounded(size / 1_000_000, 1) >= 1000:
        return f"{sign}${_rounded(size / 1_000_000_000, 1):f}B"
    if _rounded(size / 1000, 0) >= 1000:
        return f"{sign}${_rounded(size / 1_000_000, 1):f}M"
    if _rounded(size, 0) >= 1000:
        return f"{sign}${_rounded(size / 1000, 0):f}k"
    return f"{sign}${_rounded(size, 0):f}"


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
