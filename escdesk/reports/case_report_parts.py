"""Small parts the full case report's story is made of: the words for statuses and the one table style.

Kept apart from case_report_sections.py so the story reads as the order of the report and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Paragraph, Table

from escdesk.briefs.styles import MUTED, RULE, BriefStyles, table_style
from escdesk.domain import InvolvementStatus

NOT_RECORDED = "Not recorded yet."
STATUS_WORDS = {
    "open": "Open",
    "acknowledged": "Acknowledged",
    "waiting_on_customer": "Waiting on the customer",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "closed": "Closed",
}
INVOLVEMENT_WORDS = {
    InvolvementStatus.PROPOSED: "Proposed",
    InvolvementStatus.ACCEPTED: "Accepted",
    InvolvementStatus.DISMISSED: "Dismissed",
    InvolvementStatus.DONE: "Done",
}


def hex_colour(colour: Color) -> str:
    return "#" + colour.hexval()[2:]


def report_table(
    styles: BriefStyles, width: float, header: Sequence[str], rows: list[list[object]], shares: Sequence[float]
) -> Flowable:
    """A full-width table whose columns share the width as `shares` say; its header repeats on every page and a
    row taller than a page splits inside (splitInRow) instead of breaking the layout."""
    if not rows:
        return Paragraph("None recorded.", styles.pointer)
    widths = [width * share / sum(shares) for share in shares]
    head = [Paragraph(h.upper(), styles.label) for h in header]
    table = Table([head, *rows], colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return table
