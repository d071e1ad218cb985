"""The brief's two body columns as blocks the fitter can cut.

Left, the narrative an executive reads in order: situation and impact, what the customer asks, what we tried, root
cause, options with the recommendation, cost of inaction. Right, the facts they scan: dated timeline, plan with
owners and dates, next update. Caps say how much of each section shows before anything else is cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Table

from escdesk.briefs import formatting
from escdesk.briefs.content import BriefOption, PlanItem, TimelineEntry
from escdesk.briefs.context import BriefContext
from escdesk.briefs.fit import Block, Fixed, ListBlock, TextBlock, cut_paragraph
from escdesk.briefs.styles import BODY_LEADING, GOOD, MUTED, RECOMMENDED_TINT, RULE, table_style

RECOMMENDED_EDGE = 2.0
ENTRY_LINES = 3  # a timeline line or plan item longer than this is cut with an ellipsis
TIMELINE_CAP, PLAN_CAP = 14, 8
OPTION_LETTERS = "ABCDEFGHIJ"
ROOT_CAUSE_NAMES = {
    "product_defect": "Product defect",
    "performance_availability": "Performance / availability",
    "product_gap": "Product gap",
    "onboarding_implementation": "Onboarding / implementation",
    "support_experience": "Support experience",
    "expectation_mismatch": "Expectation mismatch",
    "communication": "Communication",
    "billing_commercial": "Billing / commercial",
    "customer_org_change": "Customer organisation change",
    "security_compliance": "Security / compliance",
    "third_party": "Third party",
}


def heading(ctx: BriefContext, title: str, width: float) -> Fixed:
    rule = HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=1.5, spaceAfter=3.5)
    return Fixed([Paragraph(title.upper(), ctx.styles.section), rule], width)


def text_block(
    ctx: BriefContext,
    text: str,
    width: float,
    *,
    cap: int,
    floor: int = 2,
    lead: str = "",
    follows: bool = False,
    weight: float = 1.0,
) -> TextBlock:
    """`follows`: a second paragraph under the same heading, set off by a little space."""
    style = ctx.styles.body if text.strip() else ctx.styles.pointer
    if follows:
        style = ParagraphStyle(f"{style.name}_follows", style, spaceBefore=3)
    shown = text.strip() or "Not recorded yet."
    return TextBlock(ctx.cuttable(style, lead=lead), shown, width, BODY_LEADING, cap=cap, floor=floor, weight=weight)


def left_column(ctx: BriefContext, width: float) -> list[Block]:
    c = ctx.content
    blocks: list[Block] = [
        heading(ctx, "Situation and impact", width),
        text_block(ctx, c.situation, width, cap=9, floor=3, weight=2.0),
        text_block(ctx, c.impact, width, cap=5, lead="<b>Impact.</b> ", follows=True),
        heading(ctx, "What the customer asks", width),
        text_block(ctx, c.customer_ask, width, cap=4, weight=1.3),
        heading(ctx, "What we tried", width),
        text_block(ctx, c.tried, width, cap=5),
        heading(ctx, "Root cause", width),
        text_block(ctx, c.root_cause, width, cap=4, lead=_root_cause_lead(ctx)),
        heading(ctx, "Options and recommendation", width),
        *(_option(ctx, option, index, width) for index, option in enumerate(c.options)),
        *([] if c.options else [text_block(ctx, "", width, cap=1, floor=1)]),
        heading(ctx, "Cost of inaction", width),
        text_block(ctx, c.cost_of_inaction, width, cap=4),
    ]
    return blocks


def _root_cause_lead(ctx: BriefContext) -> str:
    c = ctx.content
    certainty = "Known" if c.root_cause_known else "Suspected"
    category = f" · {ROOT_CAUSE_NAMES[c.root_cause_category.value]}" if c.root_cause_category else ""
    return f"<b>{certainty}{category}.</b> "


def _option(ctx: BriefContext, option: BriefOption, index: int, width: float) -> TextBlock:
    letter = OPTION_LETTERS[index] if index < len(OPTION_LETTERS) else str(index + 1)
    title = ctx.text(option.title, ctx.styles.body)
    tag = f'<font color="#{GOOD.hexval()[2:]}"><b>RECOMMENDED</b></font>  ' if option.recommended else ""
    lead = f"{tag}<b>{letter}. {title}</b>" + (" — " if option.detail.strip() else "")
    make = ctx.cuttable(ctx.styles.body, lead=lead)
    if not option.recommended:
        return TextBlock(make, option.detail.strip(), width, BODY_LEADING, cap=3, floor=1, wrapper=_option_cell(width))
    return TextBlock(
        make,
        option.detail.strip(),
        width,
        BODY_LEADING,
        cap=4,
        floor=1,
        weight=1.6,  # the recommendation is what the executive is asked to agree to
        wrapper=_recommended(width),
        inner_width=width - RECOMMENDED_EDGE - 10,
    )


def _option_cell(width: float) -> Callable[[list[Flowable]], Flowable]:
    def wrap(flowables: list[Flowable]) -> Flowable:
        table = Table([[flowables]], colWidths=[width])
        table.setStyle(
            table_style(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    return wrap


def _recommended(width: float) -> Callable[[list[Flowable]], Flowable]:
    """The recommended option sits on a pale green ground with a darker edge: found at a glance."""

    def wrap(flowables: list[Flowable]) -> Flowable:
        table = Table([["", flowables]], colWidths=[RECOMMENDED_EDGE, width - RECOMMENDED_EDGE])
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), RECOMMENDED_TINT),
                    ("BACKGROUND", (0, 0), (0, -1), GOOD),  # a filled edge, flush with the column like the ask's
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return _Spaced(table, after=3)

    return wrap


class _Spaced(Flowable):
    """A flowable with room after it (a Table's spaceAfter is not honoured inside a cell)."""

    def __init__(self, inner: Flowable, after: float) -> None:
        super().__init__()
        self.inner, self.after = inner, after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = self.inner.wrap(available_width, available_height)
        return width, height + self.after

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, self.after)


# ---------------------------------------------------------------------------------------------------------------
# Right column: timeline, plan, next update.


def right_column(ctx: BriefContext, width: float) -> list[Block]:
    return [
        heading(ctx, "Timeline", width),
        _timeline(ctx, width),
        heading(ctx, "Plan: owners and dates", width),
        _plan(ctx, width) if ctx.content.plan else _not_recorded(ctx, width),
        heading(ctx, "Next update", width),
        Fixed([_next_update(ctx)], width),
    ]


def _row(first: Flowable, second: Flowable, width: float, first_width: float) -> Table:
    table = Table([[first, second]], colWidths=[first_width, width - first_width])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _entry_text(ctx: BriefContext, text: str, style: ParagraphStyle, width: float, cut: list[bool]) -> Paragraph:
    paragraph, was_cut = cut_paragraph(ctx.ellipsised(style), text, width, ENTRY_LINES)
    cut.append(was_cut)
    return paragraph


def _timeline(ctx: BriefContext, width: float) -> ListBlock:
    entries = sorted(ctx.content.timeline, key=lambda e: e.at)
    date_width = 50.0
    cut: list[bool] = []

    def row(entry: TimelineEntry) -> Table:
        day, time = formatting.stamp(entry.at, ctx.zone, this_year=ctx.today.year)
        when = Paragraph(f"{day}<br/>{time}", ctx.styles.small_muted)
        return _row(when, _entry_text(ctx, entry.text, ctx.styles.small, width - date_width, cut), width, date_width)

    return ListBlock(
        _Lazy(entries, row),
        width,
        cap=TIMELINE_CAP,
        floor=3,
        select=lambda count: _first_and_latest(len(entries), count),
        pointer=lambda left_out: _list_pointer(ctx, left_out, "earlier entries", any(cut), width, date_width),
    )


def _first_and_latest(total: int, count: int) -> list[int | None]:
    """How it started, then the most recent entries: what an executive needs from a long history."""
    if count >= total:
        return list(range(total))
    if count <= 1:
        return [None, total - 1]
    return [0, None, *range(total - count + 1, total)]


def _plan(ctx: BriefContext, width: float) -> ListBlock:
    items = sorted(ctx.content.plan, key=lambda p: (p.done, p.due))
    due_width = 40.0
    cut: list[bool] = []

    def row(item: PlanItem) -> Table:
        due = formatting.short_day(item.due, this_year=ctx.today.year)
        mark = Paragraph(
            f"<b>{'Done' if item.done else due}</b>", ctx.styles.small_done if item.done else ctx.styles.small
        )
        owner = f'<br/><font color="#{MUTED.hexval()[2:]}">{ctx.text(item.owner, ctx.styles.small)}</font>'
        action = _entry_text(ctx, item.action, ctx.styles.small, width - due_width, cut)
        return _row(mark, Paragraph(f"{action.text}{owner}", ctx.styles.small), width, due_width)

    return ListBlock(
        _Lazy(items, row),
        width,
        cap=PLAN_CAP,
        floor=3,
        select=lambda count: [*range(min(count, len(items))), None],
        pointer=lambda left_out: _list_pointer(ctx, left_out, "more plan items", any(cut), width, due_width),
    )


def _list_pointer(
    ctx: BriefContext, left_out: int, what: str, cut: bool, width: float, indent: float
) -> Flowable | None:
    """A row, aligned with the entries' text, saying what was left out and where it is."""
    if left_out <= 0 and not cut:
        return None
    before = f"{left_out} {what} " if left_out > 0 else ""
    text = ctx.pointer().replace("… ", f"… {before}", 1)
    return _row(Paragraph("", ctx.styles.small), Paragraph(text, ctx.styles.small), width, indent)


def _not_recorded(ctx: BriefContext, width: float) -> Fixed:
    return Fixed([Paragraph("Not recorded yet.", ctx.styles.pointer)], width)


def _next_update(ctx: BriefContext) -> Paragraph:
    at = ctx.content.next_update
    if at is None:
        note = ctx.content.next_update_note
        return Paragraph(ctx.text(note, ctx.styles.pointer) if note else "Not recorded yet.", ctx.styles.pointer)
    hours = (at - ctx.content.generated_at).total_seconds() / 3600
    when = "overdue" if hours < 0 else (f"in {hours:.0f} h" if hours < 48 else f"in {hours / 24:.0f} days")
    return Paragraph(f"<b>{formatting.moment(at, ctx.zone)}</b> ({when})", ctx.styles.body)


class _Lazy(Sequence[Flowable]):
    """Rows built on first access: a 60-entry timeline shows a dozen, and building a row means wrapping text."""

    def __init__(self, items: Sequence[TimelineEntry] | Sequence[PlanItem], build: Callable[..., Table]) -> None:
        self._items, self._build, self._rows = items, build, dict[int, Table]()

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Table:  # type: ignore[override]
        if index not in self._rows:
            self._rows[index] = self._build(self._items[index])
        return self._rows[index]
