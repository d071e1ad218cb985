"""Executive briefs: the one-page PDF an executive reads before they act on a case.

`BriefContent` (content.py) is what a brief says; `build_brief_pdf` (pdf.py) turns it into PDF bytes. Building the
content from the database belongs to the services layer; nothing here touches the store, the clock or Qt.
"""

from __future__ import annotations

from escdesk.briefs.content import AccountBox, BriefContent, BriefOption, ExecutiveAsk, PlanItem, TimelineEntry
from escdesk.briefs.fonts import FontMissing
from escdesk.briefs.pdf import build_brief_pdf
from escdesk.briefs.redact import REDACTED

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
