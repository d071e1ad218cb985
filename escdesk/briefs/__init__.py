"""Executive briefs: the one-page PDF an executive reads before they act on a case.

`BriefContent` (content.py) is what a brief says; `build_brief_pdf` (pdf.py) turns it into PDF bytes. Building the
content from the database belongs to the services layer; nothing here touches the store, the clock or Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from escdesk.briefs.content import AccountBox, BriefContent, BriefOption, ExecutiveAsk, PlanItem, TimelineEntry
from escdesk.briefs.redact import REDACTED

if TYPE_CHECKING:
    from escdesk.briefs.fonts import FontMissing
    from escdesk.briefs.pdf import build_brief_pdf

__all__ = [
    "REDACTED",
    "AccountBox",
    "BriefContent",
    "BriefOption",
    "ExecutiveAsk",
    "FontMissing",
    "PlanItem",
    "TimelineEntry",
    "build_brief_pdf",
]


def __getattr__(name: str) -> Any:
    """The PDF half (reportlab, about 0.3 s to import) loads when a PDF is first built, not when the app starts."""
    if name == "build_brief_pdf":
        from escdesk.briefs.pdf import build_brief_pdf

        return build_brief_pdf
    if name == "FontMissing":
        from escdesk.briefs.fonts import FontMissing

        return FontMissing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
