"""The one error of the rules package; its message is fit to show a person as it is."""

from __future__ import annotations

from escdesk.errors import EscDeskError


class RuleError(EscDeskError, ValueError):
    """A condition that cannot be used; the message names the rule (`where`) and the place in it (`path`)."""

    def __init__(self, where: str, problem: str, path: str | None = None) -> None:
        message = f"{where}: {problem}" if path is None else f"{where}: {problem} at {path}"
        super().__init__(message)
        self.where = where
        self.problem = problem
        self.path = path


class RuleLimitExceeded(RuleError):
    """Evaluation built a value past the size limits (e.g. `cat` doubling an accumulator inside `reduce`)."""
