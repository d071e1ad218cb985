"""What every part of one brief's layout shares: the content, the styles, the markup and the redaction switch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from escdesk.briefs import formatting
from escdesk.briefs.content import BriefContent
from escdesk.briefs.fonts import SANS, Markup
from escdesk.briefs.redact import REDACTED
from escdesk.briefs.styles import MUTED, BriefStyles

ELLIPSIS = "…"
FULL_REPORT = "full case report"  # what the case report calls itself on its title line: the pointer must match it


def pointer_words(reference: str) -> str:
    """The cut pointer's words, e.g. "continued in the full case report, ESC-1042": document and case named."""
    return f"continued in the {FULL_REPORT}, {reference}"


@dataclass(slots=True)
class BriefContext:
    content: BriefContent
    styles: BriefStyles
    redacted: bool
    markup: Markup = field(default_factory=Markup)
    zone: ZoneInfo = field(init=False)
    today: date = field(init=False)

    def __post_init__(self) -> None:
        self.zone = self.content.zone
        self.today = self.content.generated_at.astimezone(self.zone).date()

    @property
    def reference(self) -> str:
        return self.content.reference

    def text(self, text: str, style: ParagraphStyle) -> str:
        """User text as safe markup in the style's face (the single door user text goes through)."""
        return self.markup(text, style.fontName or SANS)

    def paragraph(self, text: str, style: ParagraphStyle, *, lead: str = "", tail: str = "") -> Paragraph:
        """`lead` and `tail` are our own markup (already safe); `text` is the user's."""
        return Paragraph(f"{lead}{self.text(text, style)}{tail}", style)

    def pointer(self, before: str = "") -> str:
        """The words that say a field was cut and where the rest is: ours, so only the reference needs escaping."""
        colour = MUTED.hexval()[2:]
        note = pointer_words(self.markup(self.reference))
        return f'{before}{ELLIPSIS} <font color="#{colour}"><i>{note}</i></font>'

    def cuttable(self, style: ParagraphStyle, *, lead: str = "", tail: str = "") -> Callable[[str, bool], Paragraph]:
        """A paragraph maker for the fitter: a cut text ends with the pointer to the full case report."""

        def make(text: str, cut: bool) -> Paragraph:
            end = self.pointer(" " if text else "") if cut else ""
            return self.paragraph(text, style, lead=lead, tail=f"{end}{tail}")

        return make

    def ellipsised(self, style: ParagraphStyle, *, lead: str = "") -> Callable[[str, bool], Paragraph]:
        """For short fields (a timeline line, a value in the account box) a plain ellipsis marks the cut."""

        def make(text: str, cut: bool) -> Paragraph:
            return self.paragraph(text, style, lead=lead, tail=ELLIPSIS if cut else "")

        return make

    def money(self, amount: Decimal) -> str:
        return REDACTED if self.redacted else formatting.money(amount)
