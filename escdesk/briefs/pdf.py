"""The one-page executive brief as a PDF: BriefContent in, bytes out (reportlab platypus).

Layout, top to bottom: a running header (brief, reference, confidentiality), the headline and a line of context,
the account box in two columns, the ask of this executive in a tinted box with its deadline and the ARR at risk,
then two columns of body (narrative left, timeline and plan right) and a footer with the generation time and its
zone. The top is capped; the body columns are cut to the height that is left (see fit.py), and a final
KeepInFrame only guards against rounding, so the brief is one page whatever the content.

Byte-stable: the document is built in reportlab's invariant mode (fixed dates and ids), the content carries its own
generation time, and nothing here reads the clock, the locale or the environment.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, PageTemplate, Spacer, Table

from escdesk.briefs.chrome import Chrome, document, draw_chrome, page_size
from escdesk.briefs.content import BriefContent
from escdesk.briefs.context import BriefContext
from escdesk.briefs.fit import fit_column, flowables_height
from escdesk.briefs.fonts import describe_missing
from escdesk.briefs.redact import redact as redacted_copy
from escdesk.briefs.sections import left_column, right_column
from escdesk.briefs.styles import brief_styles, table_style
from escdesk.briefs.top import account_box, ask_box, headline, subline

log = logging.getLogger(__name__)

SIDE, TOP, BOTTOM = 16 * mm, 17 * mm, 17 * mm  # fits both papers: Letter is wider and shorter than A4
COLUMN_GAP = 18.0
LEFT_SHARE = 0.6  # the narrative column; the right one holds dated lines that wrap less
BLOCK_GAP = 9.0


@dataclass(frozen=True, slots=True)
class Geometry:
    page_width: float
    page_height: float

    @property
    def width(self) -> float:
        return self.page_width - 2 * SIDE

    @property
    def height(self) -> float:
        return self.page_height - TOP - BOTTOM

    @property
    def left_width(self) -> float:
        return (self.width - COLUMN_GAP) * LEFT_SHARE

    @property
    def right_width(self) -> float:
        return self.width - COLUMN_GAP - self.left_width


def build_brief_pdf(content: BriefContent, *, paper: str = "A4", redact: bool = False) -> bytes:
    """The executive brief of one case as PDF bytes: always exactly one page.

    `paper` is "A4" or "Letter"; `redact` replaces ARR figures and contact names by "redacted" for a wider audience.
    """
    geometry = Geometry(*page_size(paper))
    ctx = BriefContext(redacted_copy(content) if redact else content, brief_styles(), redact)
    story = _story(ctx, geometry)
    pdf = _render(ctx, geometry, story)
    if ctx.markup.missing:
        log.warning("Brief %s: %s", content.reference, describe_missing(ctx.markup.missing))
    return pdf


def _story(ctx: BriefContext, geometry: Geometry) -> list[Flowable]:
    top: list[Flowable] = [
        headline(ctx, geometry.width),
        subline(ctx),
        Spacer(1, 6),
        account_box(ctx, geometry.width),
        Spacer(1, BLOCK_GAP),
        ask_box(ctx, geometry.width),
        Spacer(1, 5),
    ]
    room = geometry.height - flowables_height(top, geometry.width) - 1  # a point of slack against rounding
    return [*top, KeepInFrame(geometry.width, room, [_body(ctx, geometry, room)], mode="shrink")]


def _body(ctx: BriefContext, geometry: Geometry, room: float) -> Table:
    left = fit_column(left_column(ctx, geometry.left_width), geometry.left_width, room)
    right = fit_column(right_column(ctx, geometry.right_width), geometry.right_width, room)
    table = Table([[left, "", right]], colWidths=[geometry.left_width, COLUMN_GAP, geometry.right_width])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _render(ctx: BriefContext, geometry: Geometry, story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    c = ctx.content
    doc = document(
        buffer,
        (geometry.page_width, geometry.page_height),
        (SIDE, TOP, BOTTOM),
        title=f"{c.reference} executive brief: {c.account.customer}",
        subject=c.headline,
        author=c.prepared_by or "EscDesk",
    )
    frame = Frame(SIDE, BOTTOM, geometry.width, geometry.height, 0, 0, 0, 0, id="brief")
    doc.addPageTemplates([PageTemplate("brief", [frame], onPage=lambda canvas, _doc: _chrome(ctx, canvas))])
    doc.build(story)
    if doc.page != 1:  # cannot happen while the body is inside KeepInFrame; fail loudly rather than mislabel pages
        raise AssertionError(f"the brief for {c.reference} ran to {doc.page} pages")
    return buffer.getvalue()


def _chrome(ctx: BriefContext, canvas: Canvas) -> None:
    """Running header and footer (escdesk.briefs.chrome, shared with the multi-page reports)."""
    c = ctx.content
    label = f"EXECUTIVE BRIEF  ·  {ctx.reference}"
    draw_chrome(canvas, Chrome(label, ctx.redacted, c.generated_at, c.time_zone, SIDE, TOP, BOTTOM), total=1)
