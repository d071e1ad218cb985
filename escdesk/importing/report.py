"""What an import found and did, row by row: the same object feeds the CLI, its JSON and (later) the wizard."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from escdesk.importing.values import AmbiguousDates, MixedDates

if TYPE_CHECKING:
    from escdesk.importing.candidates import EscalationCandidate

FIRST_FEW = 5


def plural(count: int, noun: str) -> str:
    """`1 bad row`, `2 bad rows`: the summary reads as a sentence."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem with one cell: `line` is the physical line in the file where the row starts (header = 1)."""

    line: int
    column: str
    value: str
    reason: str

    def describe(self) -> str:
        return f"line {self.line}, {self.column} = {self.value!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class LinkProposal:
    """A ticket's organisation resembles a customer's name: proposed to the user, never applied on its own."""

    line: int
    ticket: str
    organization: str
    customer_id: str
    customer_name: str


@dataclass
class ImportReport:
    file_name: str
    kind: str
    preset: str
    encoding: str
    delimiter: str
    sheet: str | None = None  # the worksheet read, for a workbook
    rows_read: int = 0
    bad_rows: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    unmapped: dict[str, Counter[str]] = field(default_factory=dict)
    questions: list[AmbiguousDates | MixedDates] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    footer_count: int | None = None
    blank_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    links: Counter[str] = field(default_factory=Counter)
    proposals: list[LinkProposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[EscalationCandidate] = field(default_factory=list)  # tickets only, after a write
    applied: bool = False
    import_id: str | None = None

    @property
    def bad_lines(self) -> list[int]:
        return sorted({issue.line for issue in self.bad_rows})

    @property
    def good_rows(self) -> int:
        return self.rows_read - len(self.bad_lines)

    def flag_unmapped(self, column: str, value: str) -> None:
        self.unmapped.setdefault(column, Counter())[value] += 1

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["questions"] = [{"kind": type(q).__name__, **asdict(q)} for q in self.questions]
        data["unmapped"] = {column: dict(values) for column, values in self.unmapped.items()}
        data["links"] = dict(self.links)
        data["good_rows"] = self.good_rows
        data["bad_row_count"] = len(self.bad_lines)
        return data

    def describe(self) -> str:
        read_as = f"sheet {self.sheet!r}" if self.sheet is not None else f"delimiter {self.delimiter!r}"
        lines = [
            f"{self.file_name}: {self.kind} ({self.preset}), {self.encoding}, {read_as}",
            f"{plural(self.rows_read, 'row')} read: {self.good_rows} good, {len(self.bad_lines)} bad",
        ]
        if self.blank_rows:
            lines.append(f"{plural(self.blank_rows, 'blank row')} skipped")
        if self.footer:
            lines.append(f"footer ignored ({len(self.footer)} lines){self._footer_check()}")
        if self.applied or self.created or self.updated:
            state = "imported" if self.applied else "would import (dry run)"
            left_out = f", {plural(self.skipped, 'bad row')} left out" if self.skipped else ""
            counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged{left_out}"
            lines.append(f"{state}: {counts}")
        lines += self.notes + self._detail_lines()
        return "\n".join(lines)

    def _footer_check(self) -> str:
        if self.footer_count is None:
            return ""
        if self.footer_count == self.rows_read:
            return f"; its total of {self.footer_count} records matches"
        return f"; it says {self.footer_count} records but {self.rows_read} were read"

    def _detail_lines(self) -> list[str]:
        lines = [f"question: {q.question}" for q in self.questions if isinstance(q, AmbiguousDates)]
        lines += [
            f"question: column {q.column!r} mixes day-first ({q.day_first_example}) and month-first "
            f"({q.month_first_example}) dates; say which order holds"
            for q in self.questions
            if isinstance(q, MixedDates)
        ]
        for column, values in self.unmapped.items():
            shown = ", ".join(f"{v!r} x{n}" for v, n in values.most_common(FIRST_FEW))
            lines.append(f"unmapped values in {column}: {shown} (map them, or the rows are left out)")
        lines += [f"bad: {issue.describe()}" for issue in self.bad_rows[:FIRST_FEW]]
        if len(self.bad_rows) > FIRST_FEW:
            lines.append(f"... and {len(self.bad_rows) - FIRST_FEW} more problems (--json lists them all)")
        if self.warnings:
            kinds = Counter(w.reason for w in self.warnings)
            lines += [f"warning: {plural(n, 'row')}: {reason}" for reason, n in kinds.most_common()]
        if self.links:
            lines.append("tickets linked: " + ", ".join(f"{k} {n}" for k, n in sorted(self.links.items())))
        lines += [f"proposal: line {p.line} {p.organization!r} may be {p.customer_name!r}" for p in self.proposals[:5]]
        if self.candidates:
            lines.append(f"{plural(len(self.candidates), 'escalation candidate')} (--candidates lists them)")
        return lines
