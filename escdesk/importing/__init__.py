"""Importing real exports (CRM, CS and helpdesk files): robust reading, presets, a row-level report, undo.

Usage: `prepared = prepare_import(path, ImportOptions(...))`; show `prepared.report` (answer its `questions`
with ImportOptions.date_orders and prepare again); then `prepared.dry_run(store)` or `prepared.apply(store)`.
A ticket import's report lists escalation candidates; `open_candidates(service, chosen)` opens the confirmed ones.
Kinds: customers, tickets, health (points or RavenStack usage), outcomes (churn); CSV or XLSX.
"""

from __future__ import annotations

from escdesk.importing.candidates import EscalationCandidate, open_candidates
from escdesk.importing.mappings import load_mapping, mapping_preset, save_mapping
from escdesk.importing.presets import PRESETS, ImportKind, Preset
from escdesk.importing.report import ImportReport, LinkProposal, RowIssue
from escdesk.importing.run import (
    ImportCancelled,
    ImportOptions,
    ImportRefused,
    PreparedImport,
    UndoResult,
    prepare_import,
    undo_last_import,
)
from escdesk.importing.values import AmbiguousDates, DateOrder, MixedDates

__all__ = [
    "PRESETS",
    "AmbiguousDates",
    "DateOrder",
    "EscalationCandidate",
    "ImportCancelled",
    "ImportKind",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "LinkProposal",
    "MixedDates",
    "PreparedImport",
    "Preset",
    "RowIssue",
    "UndoResult",
    "load_mapping",
    "mapping_preset",
    "open_candidates",
    "prepare_import",
    "save_mapping",
    "undo_last_import",
]
