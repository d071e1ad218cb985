"""The full case report's story, top to bottom: title, facts, the ask, the brief's narrative uncut, then the plan,
checklist, involvements, notes and contacts, health history and the whole timeline.

User text goes through the brief's context (BriefContext.text: escaped, every script in a face that has it); our
own labels are plain markup. Tables repeat their header on each page and may split inside a row (splitInRow), so
a 10,000-character note runs on to the next page instead of breaking the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, KeepTogether, Paragraph, Spacer, Table

from escdesk.brief_timeline import CHANNEL_WORDS
from escdesk.briefs import formatting
from escdesk.briefs.context import BriefContext
from escdesk.briefs.sections import ROOT_CAUSE_NAMES
from escdesk.briefs.sparkline import sparkline
from escdesk.briefs.styles import (
    ASK_EDGE,
    ASK_TINT,
    GOOD,
    MUTED,
    PANEL,
    RECOMMENDED_TINT,
    RULE,
    SEVERITY_COLOURS,
    table_style,
)
from escdesk.briefs.top import BAND_RANGES, CASE_TYPE_NAMES, subline
from escdesk.domain import Direction, EventKind, Pace, Severity, StepStatus
from escdesk.reports.case_report_content import CaseReportContent, ChecklistLine, ContactLine, InvolvementLine
from escdesk.reports.case_report_parts import INVOLVEMENT_WORDS, NOT_RECORDED, STATUS_WORDS, hex_colour, report_table

GAP = 12.0


class Story:
    """Builds the flowables of one report; `ctx` is the brief's context for the report's brief part."""

    def __init__(self, ctx: BriefContext, content: CaseReportContent, width: float) -> None:
        self.ctx, self.content, self.width = ctx, content, width
        self.styles = ctx.styles

    def flowables(self) -> list[Flowable]:
        return [
            *self._title(),
            self._facts(),
            Spacer(1, GAP),
            self._ask(),
            *self._narrative(),
            *self._plan(),
            *self._checklist(),
            *self._involvements(),
            *self._contacts(),
            *self._health(),
            *self._timeline(),
        ]

    # -- helpers ------------------------------------------------------------------------------------------------
    def text(self, text: str | None, style: ParagraphStyle | None = None, *, lead: str = "") -> Paragraph:
        """User text as a paragraph, or "Not recorded yet." in the muted style when there is none."""
        style = style or self.styles.body
        if not (text or "").strip():
            return Paragraph(f"{lead}{NOT_RECORDED}", self.styles.pointer)
        return self.ctx.paragraph((text or "").strip(), style, lead=lead)

    def heading(self, title: str) -> list[Flowable]:
        rule = HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=1.5, spaceAfter=4)
        style = ParagraphStyle("report_section", self.styles.section, fontSize=7.4, leading=10, spaceBefore=GAP)
        return [CondPageBreak(60), Paragraph(title.upper(), style), rule]

    def when(self, at: datetime | None) -> str:
        if at is None:
            return "—"
        local = at.astimezone(self.ctx.zone)
        return f"{formatting.day(local.date())}<br/>{local:%H:%M}"

    def table(self, header: Sequence[str], rows: list[list[object]], shares: Sequence[float]) -> Flowable:
        return report_table(self.styles, self.width, header, rows, shares)

    def small(self, text: str | None) -> Paragraph:
        return self.text(text, self.styles.small) if text else Paragraph("—", self.styles.small_muted)

    # -- title, facts and the ask -------------------------------------------------------------------------------
    def _title(self) -> list[Flowable]:
        c, ctx = self.content, self.ctx
        zone = f"All times in {ctx.markup(c.brief.time_zone)}."
        title = f"Case title: {ctx.text(c.title, self.styles.small_muted)}.  " if c.title != c.brief.headline else ""
        return [
            self.text(c.brief.headline, self.styles.headline),
            subline(ctx),
            Paragraph(f"{title}{zone}", self.styles.small_muted),
            Spacer(1, 8),
        ]

    def _facts(self) -> Table:
        pairs = self._fact_pairs()
        half = (len(pairs) + 1) // 2
        left, right = pairs[:half], pairs[half:]
        right += [("", Paragraph("", self.styles.value))] * (len(left) - len(right))
        rows = [[self._label(a), b, self._label(c), d] for (a, b), (c, d) in zip(left, right, strict=True)]
        label_width, value_width = 78.0, self.width / 2 - 78.0
        table = Table(rows, colWidths=[label_width, value_width, label_width, value_width])
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("TOPPADDING", (0, 0), (-1, 0), 7),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                    ("LINEBEFORE", (2, 0), (2, -1), 0.5, RULE),
                ]
            )
        )
        return table

    def _label(self, text: str) -> Paragraph:
        return Paragraph(text.upper(), self.styles.label)

    def _fact_pairs(self) -> list[tuple[str, Flowable]]:
        c, ctx, value = self.content, self.ctx, self.styles.value
        a = c.brief.account
        colour = hex_colour(SEVERITY_COLOURS[a.severity])
        share = "" if ctx.redacted or a.arr <= 0 else f" ({round(100 * c.brief.arr_at_risk / a.arr)}% of ARR)"
        renewal = a.renewal_date
        pace = None if c.brief.pace is None else ("Fast" if c.brief.pace is Pace.FAST else "Slow-burn")
        case_type = c.brief.case_type
        type_words = None if case_type is None else CASE_TYPE_NAMES.get(case_type, case_type.value.replace("_", " "))
        return [
            ("Customer", self.text(a.customer, value)),
            ("ARR", Paragraph(f"<b>{ctx.money(a.arr)}</b>", value)),
            ("ARR band", Paragraph(f"{a.band_label} ({BAND_RANGES[a.band]})", value)),
            ("ARR at risk", Paragraph(f"<b>{ctx.money(c.brief.arr_at_risk)}</b>{share}", value)),
            ("Renewal", Paragraph(formatting.day(renewal) if renewal else "No renewal date", value)),
            ("Health", Paragraph(self._health_now(), value)),
            ("Their contact", self.text(a.customer_contact, value)),
            ("Case type", Paragraph((type_words or "—").capitalize(), value)),
            ("Level", self.text(a.level_label, value)),
            ("Severity", Paragraph(f'<font color="{colour}"><b>{a.severity.value}</b></font>', value)),
            ("Status", Paragraph(STATUS_WORDS.get(c.status.value, c.status.value), value)),
            ("Pace", Paragraph(pace or "—", value)),
            ("Case owner", self.text(c.owner, value)),
            ("CSM", self.text(a.csm, value)),
            ("Account exec", self.text(a.account_executive, value)),
            ("Exec sponsor", self.text(a.exec_sponsor, value)),
        ]

    def _health_now(self) -> str:
        points = self.content.health
        if not points:
            return f'<font color="{hex_colour(MUTED)}">No scores recorded</font>'
        last = points[-1]
        return f"<b>{last.score}</b> on {formatting.day(last.on)}"

    def _ask(self) -> Table:
        c, ctx = self.content, self.ctx
        ask = c.brief.ask
        who = ctx.text(ask.of.upper(), self.styles.ask_label)
        if ask.request.strip():
            request = ctx.paragraph(ask.request.strip(), self.styles.ask)
        else:
            request = Paragraph("Not recorded yet: the specific decision asked of this executive.", self.styles.pointer)
        deadline = "Not recorded yet"
        if ask.deadline is not None:
            deadline = formatting.moment(ask.deadline, ctx.zone)
        side = [
            Paragraph("DECIDE BY", self.styles.ask_label),
            Paragraph(f"<b>{deadline}</b>", self.styles.body),
        ]
        main = [Paragraph(f"DECISION NEEDED FROM&nbsp;&nbsp;{who}", self.styles.ask_label), Spacer(1, 3), request]
        table = Table([["", main, side]], colWidths=[3.2, self.width - 153.2, 150], splitInRow=1)
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), ASK_TINT),
                    ("BACKGROUND", (0, 0), (0, -1), ASK_EDGE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (1, 0), (-1, -1), 10),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        return table

    # -- the brief's narrative, uncut -----------------------------------------------------------------------------
    def _narrative(self) -> list[Flowable]:
        b = self.content.brief
        follows = ParagraphStyle("follows", self.styles.body, spaceBefore=4)
        certainty = "Known" if b.root_cause_known else "Suspected"
        category = f" · {ROOT_CAUSE_NAMES[b.root_cause_category.value]}" if b.root_cause_category else ""
        return [
            *self.heading("Situation and impact"),
            self.text(b.situation),
            self.text(b.impact, follows, lead="<b>Impact.</b> "),
            *self.heading("What the customer asks"),
            self.text(b.customer_ask),
            *self.heading("What we tried"),
            self.text(b.tried),
            *self.heading("Root cause"),
            self.text(b.root_cause, lead=f"<b>{certainty}{category}.</b> "),
            *self.heading("Options and recommendation"),
            *self._options(),
            *self.heading("Cost of inaction"),
            self.text(b.cost_of_inaction),
            *self.heading("Next update"),
            Paragraph(self._next_update(), self.styles.body),
        ]

    def _options(self) -> list[Flowable]:
        options = self.content.brief.options
        if not options:
            return [Paragraph(NOT_RECORDED, self.styles.pointer)]
        shown: list[Flowable] = []
        for index, option in enumerate(options):
            tag = f'<font color="{hex_colour(GOOD)}"><b>RECOMMENDED</b></font>  ' if option.recommended else ""
            title = self.ctx.text(option.title, self.styles.body)
            lead = f"{tag}<b>{chr(ord('A') + index) if index < 26 else index + 1}. {title}</b>"
            detail = self.ctx.text(option.detail.strip(), self.styles.body)
            body = Paragraph(f"{lead} — {detail}" if detail else lead, self.styles.body)
            cell = Table([[body]], colWidths=[self.width], splitInRow=1)
            background = RECOMMENDED_TINT if option.recommended else None
            commands: list[tuple[object, ...]] = [
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
            if background is not None:
                commands += [("BACKGROUND", (0, 0), (-1, -1), background), ("LINEBEFORE", (0, 0), (0, -1), 2, GOOD)]
            cell.setStyle(table_style(commands))
            shown += [cell, Spacer(1, 2)]
        return shown

    def _next_update(self) -> str:
        b = self.content.brief
        if b.next_update is None:
            return self.ctx.text(b.next_update_note, self.styles.body) if b.next_update_note else NOT_RECORDED
        overdue = " (overdue)" if b.next_update < b.generated_at else ""
        return f"<b>{formatting.moment(b.next_update, self.ctx.zone)}</b>{overdue}"

    # -- plan, checklist, involvements -----------------------------------------------------------------------
    def _plan(self) -> list[Flowable]:
        b = self.content.brief
        small = self.styles.small
        rows: list[list[object]] = []
        for item in sorted(b.plan, key=lambda p: (p.done, p.due)):
            late = not item.done and item.due < self.ctx.today
            state = "Done" if item.done else ("Overdue" if late else "Open")
            colour = GOOD if item.done else (SEVERITY_COLOURS[Severity.S1] if late else MUTED)
            rows.append([
                Paragraph(formatting.day(item.due), small),
                self.text(item.action, small),
                self.text(item.owner, small),
                Paragraph(f'<font color="{hex_colour(colour)}"><b>{state}</b></font>', small),
            ])  # fmt: skip
        note = "No written plan yet: these are the dated checklist steps and the leaders brought in."
        intro = [Paragraph(note, self.styles.small_muted), Spacer(1, 3)] if self.content.plan_derived and rows else []
        return [
            *self.heading("Plan: owners and dates"),
            *intro,
            self.table(("Due", "Action", "Owner", "State"), rows, (1.3, 5, 2.4, 1)),
        ]

    def _checklist(self) -> list[Flowable]:
        rows = [self._step_row(step) for step in self.content.checklist]
        header = ("#", "Step", "Due", "Status", "Note")
        return [*self.heading("Service-recovery checklist"), self.table(header, rows, (0.4, 4, 1.4, 2.4, 3))]

    def _step_row(self, step: ChecklistLine) -> list[object]:
        small = self.styles.small
        now = self.content.generated_at
        if step.status is StepStatus.DONE:
            by = f" by {self.ctx.text(step.done_by, small)}" if step.done_by else ""
            when = self.when(step.done_at).replace("<br/>", " ")
            status = f'<font color="{hex_colour(GOOD)}"><b>Done</b></font> {when}{by}'
        elif step.status is StepStatus.SKIPPED:
            status = f'<font color="{hex_colour(MUTED)}"><b>Skipped</b></font>'
        elif step.overdue(now):
            assert step.due_at is not None
            late = formatting.days_until(step.due_at.astimezone(self.ctx.zone).date(), self.ctx.today)
            status = f'<font color="{hex_colour(SEVERITY_COLOURS[Severity.S1])}"><b>Overdue</b></font> (due {late})'
        else:
            status = "Open"
        optional = "" if step.required else ' <font color="#8A94A3">(optional)</font>'
        return [
            Paragraph(str(step.position), small),
            Paragraph(f"{self.ctx.text(step.title, small)}{optional}", small),
            Paragraph(self.when(step.due_at), small),
            Paragraph(status, small),
            self.small(step.note),
        ]

    def _involvements(self) -> list[Flowable]:
        rows = [self._involvement_row(i) for i in self.content.involvements]
        header = ("Role", "Person", "Status", "Due", "Decided by", "Why")
        return [*self.heading("Involvements"), self.table(header, rows, (1.8, 1.8, 1.1, 1.3, 1.8, 3.6))]

    def _involvement_row(self, line: InvolvementLine) -> list[object]:
        small = self.styles.small
        decided = "—"
        if line.decided_by:
            decided = f"{self.ctx.text(line.decided_by, small)}<br/>{self.when(line.decided_at).replace('<br/>', ' ')}"
        why = line.reason or ""
        if line.rule:
            why = f"{why} (rule {line.rule})" if why else f"rule {line.rule}"
        return [
            self.text(line.role, small),
            self.small(line.person),
            Paragraph(INVOLVEMENT_WORDS[line.status], small),
            Paragraph(self.when(line.due_at), small),
            Paragraph(decided, small),
            self.small(why),
        ]

    # -- notes, health, timeline -----------------------------------------------------------------------------
    def _contacts(self) -> list[Flowable]:
        rows = [self._contact_row(line) for line in self.content.contacts]
        header = ("When", "Who", "What", "Said")
        return [*self.heading("Notes and customer contacts"), self.table(header, rows, (1.2, 1.6, 1.7, 6))]

    def _contact_row(self, line: ContactLine) -> list[object]:
        small = self.styles.small
        if line.kind is EventKind.NOTE:
            what = "Note"
        else:
            words = CHANNEL_WORDS.get(line.channel, line.channel.capitalize()) if line.channel else ""
            channel = f" ({words})" if words else ""
            what = ("Customer wrote" if line.direction is Direction.INBOUND else "We updated the customer") + channel
        return [Paragraph(self.when(line.at), small), self.text(line.actor, small), Paragraph(what, small),
                self.small(line.body)]  # fmt: skip

    def _health(self) -> list[Flowable]:
        points = self.content.health
        heading = self.heading("Health history")
        if not points:
            return [*heading, Paragraph("No health scores recorded for this customer.", self.styles.pointer)]
        low, high = min(points, key=lambda p: p.score), max(points, key=lambda p: p.score)
        summary = (
            f"{len(points)} scores from {formatting.day(points[0].on)} to {formatting.day(points[-1].on)}; "
            f"lowest {low.score} ({formatting.day(low.on)}), highest {high.score} ({formatting.day(high.on)}), "
            f"latest <b>{points[-1].score}</b>."
        )
        columns = 6
        cells = [Paragraph(f"{formatting.day(p.on)}  <b>{p.score}</b>", self.styles.small) for p in points]
        cells += [Paragraph("", self.styles.small)] * (-len(cells) % columns)
        grid = Table(
            [cells[i : i + columns] for i in range(0, len(cells), columns)], colWidths=[self.width / columns] * columns
        )
        grid.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))  # fmt: skip
        chart = KeepTogether([sparkline(points, width=self.width, height=54), Spacer(1, 4)])
        return [*heading, Paragraph(summary, self.styles.body), Spacer(1, 6), chart, grid]

    def _timeline(self) -> list[Flowable]:
        small = self.styles.small
        rows: list[list[object]] = [
            [Paragraph(self.when(h.at), small), self.text(h.actor, small), self.text(h.text, small)]
            for h in self.content.history
        ]
        return [
            *self.heading("Timeline: the whole history"),
            self.table(("When", "Who", "What happened"), rows, (1.2, 1.6, 7.7)),
        ]
