"""The weekly report's story: title, headline figures, breakdowns, top five, the two charts and the notes.

User text (customer names, case titles, owners) goes through the brief's Markup, which escapes it and gives every
script a face that has its glyphs; our own labels are plain markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from escdesk.briefs import formatting
from escdesk.briefs.fonts import Markup
from escdesk.briefs.redact import REDACTED, scrubber
from escdesk.briefs.styles import INK, MUTED, PANEL, RULE, SEVERITY_COLOURS, BriefStyles, brief_styles, table_style
from escdesk.domain import Severity
from escdesk.money import short_amount
from escdesk.reports import charts
from escdesk.reports.portfolio import PARETO_WEEKS, TREND_WEEKS, Group, TopCase, WeeklyPortfolio

GAP = 14.0


@dataclass(slots=True)
class ReportContext:
    portfolio: WeeklyPortfolio
    redacted: bool
    width: float
    markup: Markup
    styles: BriefStyles = field(init=False)
    zone: ZoneInfo = field(init=False)
    scrub: Callable[[str], str] = field(init=False)

    def __post_init__(self) -> None:
        self.styles = brief_styles()
        self.zone = ZoneInfo(self.portfolio.time_zone)
        owners = [t.owner for t in self.portfolio.top if t.owner]
        self.scrub = scrubber(owners) if self.redacted else (lambda text: text)

    def text(self, text: str, style: ParagraphStyle) -> str:
        """User text as safe markup (escaped, with per-script faces)."""
        return self.markup(text, style.fontName)

    def money(self, amount: Decimal, *, short: bool = False) -> str:
        if self.redacted:
            return REDACTED
        return short_amount(amount) if short else formatting.money(amount)


def story(ctx: ReportContext) -> list[Flowable]:
    return [
        *_title(ctx),
        _tiles(ctx),
        Spacer(1, GAP),
        _side_by_side(ctx, _level_table(ctx), _severity_table(ctx)),
        Spacer(1, GAP),
        _side_by_side(ctx, _type_table(ctx), _ageing_table(ctx)),
        Spacer(1, GAP),
        CondPageBreak(160),
        KeepTogether([_heading(ctx, "Largest accounts with an open escalation (top five by ARR)"), _top_table(ctx)]),
        Spacer(1, GAP),
        CondPageBreak(200),
        KeepTogether(_trend(ctx)),
        Spacer(1, GAP),
        KeepTogether(_pareto(ctx)),
        Spacer(1, GAP),
        *(Paragraph(note, ctx.styles.small_muted) for note in ctx.portfolio.notes),
    ]


def _heading(ctx: ReportContext, title: str) -> Paragraph:
    style = ParagraphStyle("report_section", ctx.styles.section, fontSize=7.4, leading=10, spaceAfter=4)
    return Paragraph(title.upper(), style)


def _title(ctx: ReportContext) -> list[Flowable]:
    p = ctx.portfolio
    headline = ParagraphStyle("report_title", ctx.styles.headline, fontSize=19, leading=23)
    first, last = p.week.monday, p.week.sunday
    span = f"{formatting.weekday_day(first)} to {formatting.weekday_day(last)}"
    if p.as_of >= p.end:  # the week's end is next Monday 00:00, which reads as the wrong day
        as_of = f"figures at the close of {formatting.weekday_day(last)}"
    else:
        as_of = f"figures as of {formatting.moment(p.as_of, ctx.zone)} (week in progress)"
    return [
        Paragraph(f"Escalation portfolio, week {p.week.week} of {p.week.year}", headline),
        Paragraph(f"{span}  ·  {as_of}", ctx.styles.subline),
        Spacer(1, 10),
    ]


# -- headline figures -------------------------------------------------------------------------------------------


def _tile(ctx: ReportContext, label: str, figure: str, detail: str, colour: Color = INK) -> list[Flowable]:
    figure_style = ParagraphStyle("tile_figure", ctx.styles.body, fontName=f"{ctx.styles.ask.fontName}", fontSize=16,
                                  leading=19, textColor=colour)  # fmt: skip
    return [
        Paragraph(label.upper(), ctx.styles.label),
        Paragraph(figure, figure_style),
        Paragraph(detail, ctx.styles.small_muted),
    ]


def _alarm(count: int) -> Color:
    return SEVERITY_COLOURS[Severity.S1] if count else INK


def _tiles(ctx: ReportContext) -> Table:
    p, week = ctx.portfolio, ctx.portfolio.this_week
    tiles = [
        _tile(ctx, "Open cases", f"{p.open_cases:,}", f"with {p.accounts:,} accounts"),
        _tile(ctx, "ARR at risk", ctx.money(p.arr_at_risk, short=True), "on the open cases"),
        _tile(ctx, "Opened this week", f"{week.opened:,}", f"{week.closed:,} closed, {week.reopened:,} reopened"),
        _tile(ctx, "Overdue acknowledgements", f"{p.overdue_acknowledgements:,}", "past the acknowledge target",
              _alarm(p.overdue_acknowledgements)),
        _tile(ctx, "Overdue customer updates", f"{p.overdue_updates:,}", "update cadence missed",
              _alarm(p.overdue_updates)),
        _tile(ctx, "Over the ceiling", f"{p.over_ceiling:,}", "past the ceiling of their level",
              _alarm(p.over_ceiling)),
    ]  # fmt: skip
    table = Table([tiles[:3], tiles[3:]], colWidths=[ctx.width / 3] * 3)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return table


# -- breakdown tables -------------------------------------------------------------------------------------------


def _side_by_side(ctx: ReportContext, left: list[Flowable], right: list[Flowable]) -> Table:
    half = (ctx.width - GAP) / 2
    table = Table([[left, "", right]], colWidths=[half, GAP, half])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), *_no_padding()]))
    return table


def _no_padding() -> list[tuple[object, ...]]:
    return [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]


def _grid(ctx: ReportContext, header: Sequence[str], rows: Sequence[Sequence[str | Flowable]],
          widths: Sequence[float], *, total: Sequence[str] | None = None) -> Table:  # fmt: skip
    s = ctx.styles
    right = s.small_right
    head = [Paragraph(f"<b>{h}</b>", right if i else s.small_muted) for i, h in enumerate(header)]
    body = [[c if isinstance(c, Flowable) else Paragraph(c, right if i else s.small) for i, c in enumerate(r)]
            for r in rows]  # fmt: skip
    data = [head, *body]
    if total is not None:
        data.append([Paragraph(f"<b>{c}</b>", right if i else s.small) for i, c in enumerate(total)])
    table = Table(data, colWidths=list(widths), repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, MUTED))
    table.setStyle(table_style(commands))
    return table


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{round(100 * part / whole)} %" if whole > 0 else "–"


def _breakdown(ctx: ReportContext, title: str, first: str, groups: Sequence[Group],
               label: Callable[[Group], str]) -> list[Flowable]:  # fmt: skip
    p = ctx.portfolio
    half = (ctx.width - GAP) / 2
    rows = [[label(g), f"{g.count:,}", ctx.money(g.arr_at_risk), _share(g.arr_at_risk, p.arr_at_risk)] for g in groups]
    total = ["All open cases", f"{p.open_cases:,}", ctx.money(p.arr_at_risk), "100 %" if p.arr_at_risk else "–"]
    widths = [half - 150, 36, 70, 44]
    return [_heading(ctx, title), _grid(ctx, [first, "Cases", "ARR at risk", "Share"], rows, widths, total=total)]


def _level_table(ctx: ReportContext) -> list[Flowable]:
    return _breakdown(ctx, "Open cases by level", "Level", ctx.portfolio.by_level, lambda g: g.label)


def _severity_table(ctx: ReportContext) -> list[Flowable]:
    def label(g: Group) -> str:
        colour = SEVERITY_COLOURS[Severity(g.key)].hexval()[2:]
        short = g.label.split(",")[0]  # the policy's meaning, first clause: "Outage", "Irritant"
        return f'<font color="#{colour}"><b>{g.key}</b></font>  <font color="#5B6675">{short}</font>'

    return _breakdown(ctx, "Open cases by severity", "Severity", ctx.portfolio.by_severity, label)


def _type_table(ctx: ReportContext) -> list[Flowable]:
    return _breakdown(ctx, "Open cases by type", "Type", ctx.portfolio.by_type, lambda g: g.label)


def _ageing_table(ctx: ReportContext) -> list[Flowable]:
    p = ctx.portfolio
    half = (ctx.width - GAP) / 2
    rows = [[g.label, f"{g.count:,}", _share(Decimal(g.count), Decimal(p.open_cases))] for g in p.ageing]
    grid = _grid(ctx, ["Open for", "Cases", "Share"], rows, [half - 80, 36, 44], total=["All", f"{p.open_cases:,}", ""])
    return [_heading(ctx, "Ageing of the open cases"), grid]


# -- top five, charts -------------------------------------------------------------------------------------------


def _top_table(ctx: ReportContext) -> Flowable:
    top = ctx.portfolio.top
    if not top:
        return Paragraph("No open cases.", ctx.styles.pointer)
    widths = [54.0, 0.0, 58, 58, 64, 26, 70, 42]
    widths[1] = ctx.width - sum(widths)
    header = ["Case", "Customer and case", "ARR", "At risk", "Level", "Sev", "Owner", "Opened"]
    return _grid(ctx, header, [_top_row(ctx, t) for t in top], widths)


def _top_row(ctx: ReportContext, case: TopCase) -> list[str | Flowable]:
    s = ctx.styles
    this_year = ctx.portfolio.as_of.astimezone(ctx.zone).year
    what = (f"<b>{ctx.text(case.customer, s.small)}</b><br/>"
            f'<font color="#5B6675">{ctx.text(ctx.scrub(case.title), s.small)}</font>')  # fmt: skip
    owner = REDACTED if ctx.redacted and case.owner else (case.owner or "Unassigned")
    colour = SEVERITY_COLOURS[case.severity].hexval()[2:]
    opened = formatting.short_day(case.opened_at.astimezone(ctx.zone).date(), this_year=this_year)
    return [
        case.reference,
        Paragraph(what, s.small),
        ctx.money(case.arr),
        ctx.money(case.arr_at_risk),
        Paragraph(case.level, s.small_right),
        f'<font color="#{colour}"><b>{case.severity.value}</b></font>',
        Paragraph(ctx.text(owner, s.small), s.small_right),
        opened,
    ]


def _trend(ctx: ReportContext) -> list[Flowable]:
    trend = ctx.portfolio.trend
    weeks = [f"W{f.week.week:02d}" for f in trend]
    series = [
        ("Opened", charts.OPENED, [f.opened for f in trend]),
        ("Closed", charts.CLOSED, [f.closed for f in trend]),
        ("Reopened", charts.REOPENED, [f.reopened for f in trend]),
    ]
    half = (ctx.width - GAP) / 2
    rows = [[f"{f.week}", f"{f.opened:,}", f"{f.closed:,}", f"{f.reopened:,}", f"{f.open_at_end:,}"] for f in trend]
    table = _grid(ctx, ["Week", "Opened", "Closed", "Reopened", "Open at end"], rows, [54, 42, 38, 50, half - 184])
    chart = charts.trend(weeks, series, half)
    return [_heading(ctx, f"Four-week trend ({TREND_WEEKS} ISO weeks ending {ctx.portfolio.week})"),
            _side_by_side(ctx, [chart], [Spacer(1, 14), table])]  # fmt: skip


def _pareto(ctx: ReportContext) -> list[Flowable]:
    causes = ctx.portfolio.root_causes
    labels, counts = [g.label for g in causes], [g.count for g in causes]
    height = max(80.0, 30 + 15 * len(causes))
    title = f"Root causes of the cases closed in the last {PARETO_WEEKS} weeks (Pareto)"
    return [_heading(ctx, title), charts.pareto(labels, counts, ctx.width, height)]
