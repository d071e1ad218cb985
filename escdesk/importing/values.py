"""Cell values as exports spell them: amounts in any locale, dates in either order, missing-value markers.

Dates are decided per column, never per cell: `3/4/2025` means one thing in a US file and another in a German one,
and only the whole column tells which. When the column itself cannot tell, the caller gets a question to put to the
user (AmbiguousDates), never a silent guess.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

MISSING_MARKERS = frozenset({"", "?", "-", "--", "n/a", "na", "#n/a", "null", "none", "nil", "(blank)"})
CURRENCY = re.compile(r"(?i)(usd|eur|gbp|chf|cad|aud|jpy|inr|us\$|[$€£¥₹])")
SPACES = re.compile(r"[\s\u00a0\u202f']")  # NBSP and narrow NBSP (French), apostrophe (Swiss) group digits
# The spellings whose reading is plain (`1234`, `$1,234,567.89`, `1234.5`): read without the general rules below,
# to the same value they give (a grouping comma before a decimal dot; a lone dot before 1-2 digits is decimal).
PLAIN_AMOUNT = re.compile(r"\$?(?:\d+|\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d\d?)")

MONTHS = {
    # English, German, French, Spanish, Italian, Portuguese, Dutch abbreviations and names (Jira localises them).
    1: ("jan", "january", "januar", "janv", "janvier", "ene", "enero", "gen", "gennaio", "janeiro", "jän"),
    2: ("feb", "february", "februar", "févr", "fév", "fevr", "février", "febrero", "febbraio", "fev", "fevereiro"),
    3: ("mar", "march", "mär", "märz", "mrz", "mars", "marzo", "março", "maart", "mrt"),
    4: ("apr", "april", "avr", "avril", "abr", "abril", "aprile"),
    5: ("may", "mai", "mayo", "mag", "maggio", "maio", "mei"),
    6: ("jun", "june", "juni", "juin", "junio", "giu", "giugno", "junho"),
    7: ("jul", "july", "juli", "juil", "juillet", "julio", "lug", "luglio", "julho"),
    8: ("aug", "august", "août", "aoû", "aout", "ago", "agosto"),
    9: ("sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro"),
    10: ("oct", "october", "okt", "oktober", "octobre", "octubre", "ott", "ottobre", "out", "outubro"),
    11: ("nov", "november", "novembre", "noviembre", "novembro"),
    12: ("dec", "december", "dez", "dezember", "déc", "décembre", "dic", "diciembre", "dicembre", "dezembro"),
}
MONTH_OF = {name: number for number, names in MONTHS.items() for name in names}

TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?)?"
NUMERIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})" + TIME + r"$")
NAMED_DATE = re.compile(r"^(\d{1,2})[ ./-]([^\W\d_]{3,10})\.?[ ./-](\d{2}|\d{4})" + TIME + r"$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def is_missing(text: str | None) -> bool:
    return text is None or text.strip().casefold() in MISSING_MARKERS


def parse_amount(text: str) -> Decimal:
    """`$1,234.56`, `"1.234,56"`, `1 234,56 €`, `(500)`, `-1'000` -> Decimal; ValueError names what is wrong."""
    stripped = text.strip()
    if PLAIN_AMOUNT.fullmatch(stripped):
        return Decimal(stripped.lstrip("$").replace(",", ""))
    cleaned = SPACES.sub("", CURRENCY.sub("", stripped))
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", cleaned):
        raise ValueError(f"not an amount: {text!r}")
    number = _normalise_separators(cleaned)
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return -value if negative else value


def _normalise_separators(number: str) -> str:
    """The last of `,` / `.` is the decimal mark when both appear; a lone one before exactly 3 digits groups."""
    comma, dot = number.rfind(","), number.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal_mark = "," if comma > dot else "."
    elif comma >= 0 or dot >= 0:
        mark = "," if comma >= 0 else "."
        position = max(comma, dot)
        # `0.125` and `.125` are fractions, `1.234` / `1,234` are thousands: a leading zero decides.
        whole = number[:position].lstrip("+-")
        grouped = number.count(mark) > 1 or (len(number) - position - 1 == 3 and whole not in ("", "0"))
        decimal_mark = "" if grouped else mark
    else:
        return number
    grouping = "." if decimal_mark == "," else ","
    if decimal_mark == "":
        return number.replace(",", "").replace(".", "")
    return number.replace(grouping, "").replace(decimal_mark, ".")


class DateOrder(enum.StrEnum):
    DAY_FIRST = "day"
    MONTH_FIRST = "month"


@dataclass(frozen=True, slots=True)
class AmbiguousDates:
    """A question for the user: every date in `column` reads both ways. Answer with a DateOrder for the column."""

    column: str
    examples: tuple[str, ...]

    @property
    def question(self) -> str:
        shown = ", ".join(self.examples)
        return f"Column {self.column!r}: are dates day-first (31/12) or month-first (12/31)? Examples: {shown}"


@dataclass(frozen=True, slots=True)
class MixedDates:
    """Some dates in the column only read day-first, others only month-first: the file itself is inconsistent."""

    column: str
    day_first_example: str
    month_first_example: str


class DateEvidence:
    """What a column's values say about the order, gathered one value at a time (the file is streamed)."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.only_day: str | None = None
        self.only_month: str | None = None
        self.either: list[str] = []
        self._readings: dict[str, str | None] = {}  # text -> what it proves: exports repeat their dates

    def add(self, text: str) -> None:
        reading = self._readings.get(text, "")
        if reading == "":
            reading = self._readings[text] = self._reading(text)
        if reading == "day":
            self.only_day = self.only_day or text
        elif reading == "month":
            self.only_month = self.only_month or text
        elif reading == "either" and len(self.either) < 3:
            self.either.append(text)

    @staticmethod
    def _reading(text: str) -> str | None:
        match = NUMERIC_DATE.match(text.strip())
        if not match:
            return None
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            return "day"
        if second > 12 >= first:
            return "month"
        return "either" if first != second else None

    def decide(self) -> DateOrder | AmbiguousDates | MixedDates | None:
        """None when no value depends on the order (ISO, month names, 5/5/2025); else the one order that fits."""
        if self.only_day and self.only_month:
            return MixedDates(self.column, self.only_day, self.only_month)
        if self.only_day or self.only_month:
            return DateOrder.DAY_FIRST if self.only_day else DateOrder.MONTH_FIRST
        return AmbiguousDates(self.column, tuple(self.either)) if self.either else None


def decide_date_order(column: str, values: Iterable[str]) -> DateOrder | AmbiguousDates | MixedDates | None:
    evidence = DateEvidence(column)
    for text in values:
        evidence.add(text)
    return evidence.decide()


def parse_instant(text: str, order: DateOrder | None, zone: ZoneInfo | None = None) -> datetime:
    """An aware UTC instant. Stamps without an offset are in `zone` (the export's time zone, UTC by default)."""
    cleaned = text.strip()
    value = _iso(cleaned) if ISO_DATE.match(cleaned) else _day_month(cleaned, order)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or UTC)
    return value.astimezone(UTC)


def parse_day(text: str, order: DateOrder | None) -> date:
    """A calendar date (renewal); a time part, if any, is ignored rather than refused."""
    cleaned = text.strip()
    if ISO_DATE.match(cleaned):
        return _iso(cleaned).date()
    return _day_month(cleaned, order).date()


def _iso(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def _day_month(text: str, order: DateOrder | None) -> datetime:
    named = NAMED_DATE.match(text)
    if named:
        month = MONTH_OF.get(named.group(2).casefold().rstrip("."))
        if month is None:
            raise ValueError(f"unknown month name {named.group(2)!r} in {text!r}")
        return _build(text, int(named.group(1)), month, named.group(3), named.groups()[3:])
    numeric = NUMERIC_DATE.match(text)
    if not numeric:
        raise ValueError(f"not a date: {text!r}")
    first, second = int(numeric.group(1)), int(numeric.group(2))
    if first != second and max(first, second) <= 12 and order is None:
        raise ValueError(f"ambiguous date {text!r}: day-first or month-first?")
    day, month = (second, first) if order is DateOrder.MONTH_FIRST else (first, second)
    if order is None and first <= 12 < second:
        day, month = second, first
    return _build(text, day, month, numeric.group(3), numeric.groups()[3:])


def _build(text: str, day: int, month: int, year_text: str, clock: tuple[str | None, ...]) -> datetime:
    year = int(year_text)
    if len(year_text) == 2:  # Jira's `15/Feb/26`: two-digit years are this century up to 69
        year += 2000 if year < 70 else 1900
    try:
        return datetime.combine(date(year, month, day), _time(clock))
    except ValueError:
        raise ValueError(f"not a valid date: {text!r}") from None


def _time(clock: tuple[str | None, ...]) -> time:
    hour_text, minute_text, second_text, meridiem = clock
    if hour_text is None or minute_text is None:
        return time()
    hour = int(hour_text)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {meridiem}")
        hour = hour % 12 + (12 if meridiem[0] in "Pp" else 0)
    return time(hour, int(minute_text), int(second_text or 0))


def parse_bool(text: str) -> bool:
    folded = text.strip().casefold()
    if folded in ("true", "yes", "y", "1", "x", "wahr", "oui", "ja"):
        return True
    if folded in ("false", "no", "n", "0", "falsch", "non", "nein"):
        return False
    raise ValueError(f"not yes/no: {text!r}")


def after_minutes(start: datetime, text: str) -> datetime:
    """RavenStack gives the first response as minutes after submission."""
    return start + timedelta(minutes=float(parse_amount(text)))
