"""JsonLogic for EscDesk's rule conditions: evaluate, compile once, validate at load.

Why our own code and not a PyPI package (each tried against the vendored conformance suite, 278 triples, numbers
compared as JSON numbers):
- json-logic-modernized 1.0.1 (2026 fork of json-logic-py): 278/278, but Python semantics wherever the suite is
  silent: `cat` gives "NoneTrue" (JS "nulltrue"), `1 in [true]` is true, `-7 % 2` is 1 (JS -1), `!!{}` is false,
  `log` has a side effect, an unknown operator fails only at evaluation, 5,000 nested `!` is a RecursionError;
- json-logic-qubit 0.9.1 (2018): 277/278 (reduce seeded from a var crashes) and a default `method` operator that
  calls any attribute of the data (`getattr`): a rule could run code;
- panzi-json-logic 1.0.1 (2021): 277/278 (same reduce case gives NaN);
- jsonlogic-rs 0.5.0 (Rust wheel): 276/278 (arrays holding logic are not evaluated);
- maykin-json-logic-py 0.16.1: needs Python 3.12 syntax, the project supports 3.11; json-logic 0.6.3 (2015) is
  Python 2 code (7/278 on Python 3).
None validates a rule before use (unknown operator or field, depth, size, with a path into the rule) or explains a
result, and both need a walk over the rule that knows every operator's semantics anyway; a library would also
rule out compiling a rule once into closures (see compiler.py). JsonLogic is small: the JS semantics fit in
`semantics.py`, the operators in `operators.py`.

Safety: rules are JSON data interpreted by a fixed operator table; nothing is executed, imported or looked up by
name on data (no eval, exec or getattr), `log` is left out (no side effects), and nesting and size are bounded at
validation so a hostile rule gets a RuleError, never a RecursionError; values a rule builds are bounded too
(RuleLimitExceeded past 1M characters or 100k array items, integers past 2**53 become floats as in JS).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from escdesk.rules.compiler import RefTable, build
from escdesk.rules.errors import RuleLimitExceeded
from escdesk.rules.operators import OPERATORS
from escdesk.rules.semantics import truthy
from escdesk.rules.validation import (
    HARD_MAX_DEPTH,
    HARD_MAX_NODES,
    REF,
    RuleError,
    validate,
    validate_named,
)

__all__ = [
    "OPERATORS",
    "REF",
    "CompiledRule",
    "RuleError",
    "RuleLimitExceeded",
    "compile_rule",
    "evaluate",
    "matches",
    "truthy",
    "validate",
    "validate_named",
]

CompiledRule = Callable[[Any], Any]


def compile_rule(
    rule: Any,
    *,
    known_fields: Collection[str] | None = None,
    max_depth: int = HARD_MAX_DEPTH,
    max_nodes: int = HARD_MAX_NODES,
    where: str = "rule",
    refs: Mapping[str, Any] | None = None,
) -> CompiledRule:
    """Validate `rule` and turn it into a function of the data; compile once, call per fact set.

    `refs`: the policy's named conditions, usable as {"ref": name}; they are validated (cycles refused) here too.
    The limits default to hard ceilings; a policy loader passes its own (see `validate`). The function may raise
    RuleLimitExceeded (message starting "rule: "); callers that know the rule's name re-raise with it.
    """
    if refs is not None:
        validate_named(refs, known_fields=known_fields, max_depth=max_depth, max_nodes=max_nodes)
    names = None if refs is None else refs.keys()
    validate(rule, known_fields=known_fields, max_depth=max_depth, max_nodes=max_nodes, where=where, refs=names)
    table: RefTable = {}
    return build(rule, refs, table)


def evaluate(rule: Any, data: Any = None, *, where: str = "rule") -> Any:
    """The value of `rule` over `data` (JsonLogic `apply`). For many evaluations, compile once instead."""
    compiled = compile_rule(rule, where=where)
    try:
        return compiled(data)
    except RuleLimitExceeded as error:  # raised deep inside, where the rule's name is not known
        raise RuleLimitExceeded(where, error.problem) from None
    except RecursionError:  # only from data nested absurdly deep (e.g. arrays inside arrays compared as text)
        raise RuleError(where, "data nested too deeply to evaluate") from None


def matches(rule: Any, data: Any = None) -> bool:
    """Whether `rule` holds for `data`, by JsonLogic truthiness ([] and "" do not hold, "0" does)."""
    return truthy(evaluate(rule, data))
