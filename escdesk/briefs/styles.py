"""The brief's typography and palette, in one place so every section reads as part of one document.

One body size and leading for all running text (the fitter counts in those lines), a serif headline, small bold
capitals for section labels, and a restrained palette: ink, a muted grey for secondary text, hairline rules, navy
for structure and one warm tint reserved for the ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from escdesk.briefs.fonts import SANS, SERIF, ensure_registered
from escdesk.domain import Severity

INK = HexColor("#1B2430")
MUTED = HexColor("#5B6675")
FAINT = HexColor("#8A94A3")
RULE = HexColor("#D5DAE1")
PANEL = HexColor("#F4F6F9")
NAVY = HexColor("#1F3A5F")
ASK_TINT = HexColor("#FDF3E1")
ASK_EDGE = HexColor("#C2571A")
ASK_INK = HexColor("#7A3410")
GOOD = HexColor("#2F7D4F")
RECOMMENDED_TINT = HexColor("#EAF2EC")

SEVERITY_COLOURS: dict[Severity, Color] = {
    Severity.S1: HexColor("#B42318"),
    Severity.S2: HexColor("#C2571A"),
    Severity.S3: HexColor("#A27C0E"),
    Severity.S4: HexColor("#5B6675"),
}

BODY_SIZE = 8.4
BODY_LEADING = 11.0
SMALL_SIZE = 7.6
SMALL_LEADING = 9.8


@dataclass(frozen=True, slots=True)
class BriefStyles:
    headline: ParagraphStyle
    subline: ParagraphStyle
    section: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    small_muted: ParagraphStyle
    small_done: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    ask_label: ParagraphStyle
    ask: ParagraphStyle
    ask_figure: ParagraphStyle
    pointer: ParagraphStyle


@cache
def brief_styles() -> BriefStyles:
    ensure_registered()  # styles name faces reportlab must know before anything is measured
    body = ParagraphStyle("body", fontName=SANS, fontSize=BODY_SIZE, leading=BODY_LEADING, textColor=INK)
    small = ParagraphStyle("small", body, fontSize=SMALL_SIZE, leading=SMALL_LEADING)
    label = ParagraphStyle("label", small, fontName=f"{SANS}-Bold", fontSize=6.3, leading=8.6, textColor=MUTED)
    return BriefStyles(
        headline=ParagraphStyle("headline", body, fontName=f"{SERIF}-Bold", fontSize=16.5, leading=20, spaceAfter=4),
        subline=ParagraphStyle("subline", body, fontSize=8.8, leading=11.5, textColor=MUTED),
        section=ParagraphStyle("section", label, fontSize=6.8, leading=8.6, textColor=NAVY, spaceBefore=7),
        body=body,
        small=small,
        small_right=ParagraphStyle("small_right", small, alignment=TA_RIGHT, textColor=MUTED),
        small_muted=ParagraphStyle("small_muted", small, textColor=MUTED),
        small_done=ParagraphStyle("small_done", small, textColor=GOOD),
        label=label,
        value=ParagraphStyle("value", body, leading=10.6),
        ask_label=ParagraphStyle("ask_label", label, textColor=ASK_INK),
        ask=ParagraphStyle("ask", body, fontName=f"{SANS}-Bold", fontSize=9.6, leading=12.6, textColor=INK),
        ask_figure=ParagraphStyle("ask_figure", body, fontName=f"{SANS}-Bold", fontSize=10.5, leading=13),
        pointer=ParagraphStyle("pointer", small, fontName=f"{SANS}-Oblique", textColor=MUTED),
    )


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style whose cells name our font: reportlab's default, Helvetica, would be referenced unembedded."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])
