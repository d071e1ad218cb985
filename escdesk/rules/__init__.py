"""Rule conditions: JsonLogic evaluation, load-time validation and explanations a person can read.

Pure core: no database, no Qt. A policy loader validates each condition once (`validate` / `compile_rule` with
the known fact names), keeps the compiled function, and asks `explain` why a rule fired for the prompt text.
"""

from escdesk.rules.explain import Field, days, explain, hours, minutes, money, plain, points, unit
from escdesk.rules.jsonlogic import (
    OPERATORS,
    CompiledRule,
    RuleError,
    RuleLimitExceeded,
    compile_rule,
    evaluate,
    matches,
    validate,
    validate_named,
)

__all__ = [
    "OPERATORS",
    "CompiledRule",
    "Field",
    "RuleError",
    "RuleLimitExceeded",
    "compile_rule",
    "days",
    "evaluate",
    "explain",
    "hours",
    "matches",
    "minutes",
    "money",
    "plain",
    "points",
    "unit",
    "validate",
    "validate_named",
]
