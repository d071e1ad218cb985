"""The page chrome every EscDesk PDF shares: running header, confidential footer, "Page N of M", generation time.

The brief (one page), the weekly portfolio and the full case report (several pages each) draw the same header and
footer from here, so the family reads as one and a change of wording happens once. For "of M" the total is known
only once the story is laid out, so multi-page documents use `numbered_canvas`, which holds every page back until
the last and then draws the chrome on each (reportlab's usual two-step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate

from escdesk.briefs import formatting
from escdesk.briefs.fonts import SANS
from escdesk.briefs.styles import MUTED, NAVY, RULE, SEVERITY_COLOURS
from escdesk.domain import Severity

PAPER = {"A4": A4, "Letter": LETTER}
REPORT_MARGINS = (16 * mm, 18 * mm, 17 * mm)  # (side, top, bottom) of the multi-page reports
CONFIDENTIAL = "Confidential: internal use only. Do not forward outside the company."
FOOTER_SIZE = 6.6


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the header and footer of one document say, and where they sit on the page."""

    label: str  # "EXECUTIVE BRIEF  ·  ESC-1042": the document and what it is about, in capitals
    redacted: bool
    generated_at: datetime
    time_zone: str
    side: float
    top: float
    bottom: float
    header_rise: float = 16.0  # how far above the frame the header's baseline sits

    def generated(self) -> str:
        return f"Generated {formatting.moment(self.generated_at, ZoneInfo(self.time_zone))} ({self.time_zone})"


def page_size(paper: str) -> tuple[float, float]:
    """(width, height) in points of "A4" or "Letter"; ValueError naming the choices."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPER)}")
    return PAPER[paper]


def document(
    buffer: Any,
    size: tuple[float, float],
    margins: tuple[float, float, float],
    *,
    title: str,
    author: str = "EscDesk",
    subject: str | None = None,
) -> BaseDocTemplate:
    """A document with the settings every EscDesk PDF shares; `margins` are (side, top, bottom)."""
    side, top, bottom = margins
    return BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        subject=subject,
        author=author,
        creator="EscDesk",
        lang="en",
        initialFontName=SANS,  # else each page starts in Helvetica, which would be referenced without embedding
        initialFontSize=8,
        invariant=1,  # fixed creation date and document id: the same content gives the same bytes
    )


def draw_chrome(canvas: Canvas, chrome: Chrome, total: int) -> None:
    """Header and footer of the current page, drawn on the canvas so they never compete with the content."""
    width, height = canvas._pagesize
    right = width - chrome.side
    canvas.saveState()
    y = height - chrome.top + chrome.header_rise
    spaced_label(canvas, chrome.side, y, chrome.label, f"{SANS}-Bold", 7, NAVY)
    marking = "CONFIDENTIAL  ·  REDACTED COPY" if chrome.redacted else "CONFIDENTIAL"
    spaced_label(canvas, right, y, marking, f"{SANS}-Bold", 7, SEVERITY_COLOURS[Severity.S1], align_right=True)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(chrome.side, y - 6, right, y - 6)
    footer = chrome.bottom - 22  # the rule sits 13 pt under the frame, so a full frame never touches it
    canvas.line(chrome.side, footer + 9, right, footer + 9)
    canvas.setFont(SANS, FOOTER_SIZE)
    canvas.setFillColor(MUTED)
    canvas.drawString(chrome.side, footer, CONFIDENTIAL)
    page = f"Page {canvas.getPageNumber()} of {total}"
    canvas.drawRightString(right, footer, page)
    canvas.drawRightString(right - canvas.stringWidth(page, SANS, FOOTER_SIZE) - 14, footer, chrome.generated())
    canvas.restoreState()


def numbered_canvas(chrome: Chrome) -> type[Canvas]:
    """A canvas class for `doc.build(..., canvasmaker=...)` that draws the chrome with the true page total."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                draw_chrome(self, chrome, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def spaced_label(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, colour: object, *, align_right: bool = False
) -> None:
    """Letter-spaced capitals (the page headers): they read as a label, not a shout."""
    spacing = 0.9
    if align_right:
        x -= canvas.stringWidth(text, font, size) + spacing * (len(text) - 1)
    label = canvas.beginText(x, y)
    label.setFont(font, size)
    label.setCharSpace(spacing)
    label.setFillColor(colour)
    label.textOut(text)
    label.setCharSpace(0)  # character spacing is page state in PDF: without this it leaks into the footer
    canvas.drawText(label)
