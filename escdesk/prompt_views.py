"""What the prompts panel and `escdesk prompts` show of a case: its stored involvements with the prompt behind each,
the ladder prompts and the signals set. Frozen DTOs, built by escdesk.prompt_service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from escdesk.domain import InvolvementStatus, Level
from escdesk.prompts import InvolvementPrompt, LadderPrompt


@dataclass(frozen=True, slots=True)
class InvolvementView:
    """One stored involvement as the panel shows it, with the prompt that proposed it (None once it stopped)."""

    id: str
    version: int
    role: str
    role_label: str
    rule_key: str | None
    status: InvolvementStatus
    due_at: datetime | None
    person_name: str | None
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    done_at: datetime | None
    overdue: bool
    prompt: InvolvementPrompt | None

    @property
    def sentence(self) -> str:
        """The rule's prompt while it fires; else what was recorded (added by hand, or its rule stopped)."""
        return self.sentence_in(None)

    def sentence_in(self, zone: str | None) -> str:
        """The sentence with its due time in `zone` (the reader's; None: the case calendar's zone)."""
        if self.prompt is not None:
            return self.prompt.sentence(zone)
        who = self.person_name or "nobody named"
        return f"{self.role_label} ({who}) brought in" + (f": {self.reason}" if self.reason else "")


@dataclass(frozen=True, slots=True)
class CasePromptView:
    case_id: str
    reference: str
    title: str
    level: Level
    policy_version: str
    policy_in_force: str
    ladder: tuple[LadderPrompt, ...]
    involvements: tuple[InvolvementView, ...]
    flags: frozenset[str]

    @property
    def needs_reapply(self) -> bool:
        return self.policy_version != self.policy_in_force
