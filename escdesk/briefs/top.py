"""The top of the brief, which is never cut away: headline, context line, account box and the ask.

Each part has a fixed cap (two lines of headline, four of ask), so the body knows what height is left.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from escdesk.briefs import formatting
from escdesk.briefs.context import BriefContext
from escdesk.briefs.fit import cut_paragraph
from escdesk.briefs.fonts import SANS
from escdesk.briefs.sparkline import sparkline
from escdesk.briefs.styles import ASK_EDGE, ASK_TINT, MUTED, PANEL, RULE, SEVERITY_COLOURS, table_style
from escdesk.domain import ArrBand, CaseType, HealthPoint, Pace, Severity

LABEL_WIDTH = 76.0
HALF_GAP = 14.0
ASK_SIDE_WIDTH = 150.0
ASK_EDGE_WIDTH = 3.2
HEALTH_WINDOW_DAYS = 30
STEEP_DROP = -15  # DESIGN.md: a drop of 15+ points is a slow-burn signal, so it is shown in red
BAND_RANGES = {
    ArrBand.SMB: "under $50k",
    ArrBand.MID_MARKET: "$50k to $250k",
    ArrBand.ENTERPRISE: "$250k to $1M",
    ArrBand.STRATEGIC: "$1M and more",
}
BUTT = 0  # line cap: table rules stop at the box edge instead of poking past it
CASE_TYPE_NAMES = {CaseType.CONTRACT_LEGAL: "Contract / legal", CaseType.EXEC_CONTACT: "Executive contact"}


def _hex(colour: object) -> str:
    return "#" + colour.hexval()[2:]  # type: ignore[attr-defined]


def headline(ctx: BriefContext, width: float) -> Paragraph:
    return cut_paragraph(ctx.ellipsised(ctx.styles.headline), ctx.content.headline, width, 2)[0]


def subline(ctx: BriefContext) -> Paragraph:
    c = ctx.content
    style = ctx.styles.subline
    parts = [f'<font color="#1B2430"><b>{ctx.text(c.account.customer, style)}</b></font>']
    if c.case_type is not None:
        parts.append(CASE_TYPE_NAMES.get(c.case_type, c.case_type.value.replace("_", " ").capitalize()))
    if c.pace is not None:
        parts.append("fast escalation" if c.pace is Pace.FAST else "slow-burn escalation")
    if c.opened_at is not None:
        opened = c.opened_at.astimezone(ctx.zone).date()
        parts.append(f"opened {formatting.day(opened)} ({formatting.days_until(opened, ctx.today)})")
    if c.prepared_by:
        parts.append(f"prepared by {ctx.text(c.prepared_by, style)}")
    return Paragraph("  ·  ".join(parts), style)


# ---------------------------------------------------------------------------------------------------------------
# Account box: two columns of label / value pairs on a pale panel.


def account_box(ctx: BriefContext, width: float) -> Table:
    half = (width - HALF_GAP) / 2
    value_width = half - LABEL_WIDTH
    left = _left_pairs(ctx, value_width)
    right = _right_pairs(ctx, value_width)
    while len(left) < len(right):
        left.append(("", ""))
    while len(right) < len(left):
        right.append(("", ""))
    rows = [[_label(ctx, a), b, "", _label(ctx, c), d] for (a, b), (c, d) in zip(left, right, strict=True)]
    table = Table(rows, colWidths=[LABEL_WIDTH, value_width, HALF_GAP, LABEL_WIDTH, value_width])
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (0, -1), 9),
                ("LEFTPADDING", (3, 0), (3, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2.3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.3),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ("LINEBEFORE", (3, 0), (3, -1), 0.5, RULE, BUTT),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE, BUTT),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE, BUTT),
            ]
        )
    )
    return table


Pair = tuple[str, "str | Flowable"]


def _label(ctx: BriefContext, text: str) -> Paragraph:
    return Paragraph(text.upper(), ctx.styles.label)


def _value(ctx: BriefContext, text: str | None, width: float, *, lead: str = "", tail: str = "") -> Paragraph:
    if not text:
        return Paragraph(f'<font color="{_hex(MUTED)}">Not recorded</font>', ctx.styles.value)
    make = ctx.ellipsised(ctx.styles.value, lead=lead)
    paragraph = cut_paragraph(make, text, width, 2)[0]
    return Paragraph(f"{paragraph.text}{tail}", ctx.styles.value) if tail else paragraph


def _left_pairs(ctx: BriefContext, width: float) -> list[Pair]:
    a = ctx.content.account
    return [
        ("ARR", Paragraph(f"<b>{ctx.money(a.arr)}</b>", ctx.styles.value)),
        (
            "ARR band",
            Paragraph(f'{a.band_label} <font color="{_hex(MUTED)}">({BAND_RANGES[a.band]})</font>', ctx.styles.value),
        ),
        ("Renewal", _renewal(ctx)),
        ("Health trend", _health(ctx, width)),
        ("Their contact", _value(ctx, a.customer_contact, width)),
    ]


def _right_pairs(ctx: BriefContext, width: float) -> list[Pair]:
    a = ctx.content.account
    colour = _hex(SEVERITY_COLOURS[a.severity])
    severity = Paragraph(f'<font color="{colour}"><b>{a.severity.value}</b></font>', ctx.styles.value)
    return [
        ("Level", Paragraph(f"<b>{ctx.text(a.level_label, ctx.styles.value)}</b>", ctx.styles.value)),
        ("Severity", severity),
        ("CSM", _value(ctx, a.csm, width)),
        ("Account exec", _value(ctx, a.account_executive, width)),
        ("Exec sponsor", _value(ctx, a.exec_sponsor, width)),
    ]


def _renewal(ctx: BriefContext) -> Paragraph:
    renewal = ctx.content.account.renewal_date
    if renewal is None:
        return Paragraph(f'<font color="{_hex(MUTED)}">No renewal date</font>', ctx.styles.value)
    until = formatting.days_until(renewal, ctx.today)
    return Paragraph(f"{formatting.day(renewal)}  ·  {until}", ctx.styles.value)


def _health(ctx: BriefContext, width: float) -> Flowable:
    points = ctx.content.account.health
    if not points:
        return Paragraph(f'<font color="{_hex(MUTED)}">No scores recorded</font>', ctx.styles.value)
    text = Paragraph(_health_words(points), ctx.styles.value)
    cell = Table([[sparkline(points), text]], colWidths=[70, width - 70])
    cell.setStyle(
        table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return cell


def _health_words(points: tuple[HealthPoint, ...]) -> str:
    last = points[-1]
    window = [p for p in points if (last.on - p.on).days <= HEALTH_WINDOW_DAYS]
    now = f"<b>{last.score}</b>"
    if len(window) < 2:
        return now
    change = last.score - window[0].score
    colour = _hex(SEVERITY_COLOURS[Severity.S1] if change <= STEEP_DROP else MUTED)
    days = (last.on - window[0].on).days
    return f'{now}  <font color="{colour}">{formatting.signed(change)} in {days} days</font>'


# ---------------------------------------------------------------------------------------------------------------
# The ask: the reason the brief exists, on a warm tint with its deadline and the ARR at stake beside it.


def ask_box(ctx: BriefContext, width: float) -> Table:
    main_width = width - ASK_SIDE_WIDTH - ASK_EDGE_WIDTH
    cells = ["", _ask_main(ctx, main_width - 20), _ask_side(ctx)]
    table = Table([cells], colWidths=[ASK_EDGE_WIDTH, main_width, ASK_SIDE_WIDTH])
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ASK_TINT),
                # The edge is a filled column, not a line: a line is centred on the box edge and pokes past it.
                ("BACKGROUND", (0, 0), (0, -1), ASK_EDGE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBEFORE", (2, 0), (2, -1), 0.6, "#EBCBA3", BUTT),
                ("LEFTPADDING", (0, 0), (-1, -1), 11),
                ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return table


def _ask_main(ctx: BriefContext, width: float) -> list[Flowable]:
    ask = ctx.content.ask
    who = ctx.text(ask.of.upper(), ctx.styles.ask_label)
    label = Paragraph(f"DECISION NEEDED FROM&nbsp;&nbsp;{who}", ctx.styles.ask_label)
    if not ask.request.strip():  # said plainly: a brief without its ask must not look like one with it
        missing = "Not recorded yet: the specific decision asked of this executive is missing from the case."
        return [label, Spacer(1, 3), Paragraph(missing, ctx.styles.pointer)]
    request = cut_paragraph(ctx.cuttable(ctx.styles.ask), ask.request, width, 4)[0]
    return [label, Spacer(1, 3), request]


def _ask_side(ctx: BriefContext) -> list[Flowable]:
    c = ctx.content
    styles = ctx.styles
    return [
        Paragraph("DECIDE BY", styles.ask_label),
        Spacer(1, 2),
        *_deadline(ctx),
        Spacer(1, 5),
        Paragraph("ARR AT RISK", styles.ask_label),
        Spacer(1, 2),
        Paragraph(f"{ctx.money(c.arr_at_risk)}{_share(ctx)}", styles.ask_figure),
    ]


def _deadline(ctx: BriefContext) -> list[Flowable]:
    c, styles = ctx.content, ctx.styles
    deadline = c.ask.deadline
    if deadline is None:
        return [Paragraph("Not recorded yet", styles.pointer)]
    local = deadline.astimezone(ctx.zone)
    hour = f"{local:%H:%M} {formatting.zone_abbreviation(deadline, ctx.zone)}"
    return [
        Paragraph(formatting.weekday_day(local.date()), styles.ask_figure),
        Paragraph(f"<b>{hour}</b>  ·  {_time_left(deadline, c.generated_at)}", styles.small_muted),
    ]


def _share(ctx: BriefContext) -> str:
    c = ctx.content
    if ctx.redacted or c.account.arr <= 0:
        return ""
    share = round(100 * c.arr_at_risk / c.account.arr)
    return f'<font name="{SANS}" size="7.6" color="{_hex(MUTED)}">  {share}% of ARR</font>'


def _time_left(deadline: datetime, now: datetime) -> str:
    hours = (deadline - now).total_seconds() / 3600
    if hours < 0:
        return f"overdue by {-hours:.0f} h" if hours > -48 else f"overdue by {-hours / 24:.0f} days"
    return f"{hours:.0f} hours from now" if hours < 48 else f"{hours / 24:.0f} days from now"
