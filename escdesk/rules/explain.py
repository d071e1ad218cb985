"""Why a condition came out the way it did, in words a CS leader reads in a prompt.

`explain(rule, facts)` returns one short, deterministic sentence that is true of the facts and accounts for the
rule's outcome, e.g. "ARR $1.2M >= $1M and severity is S1". How each part reads:
- a comparison shows the fact's value and the literal, both in the field's format; one that failed is shown with
  the operator that does hold ("ARR $200k < $1M"), an equality that failed as "severity is S2, not S1";
- `and` that held lists every part, `and` that failed only the part that failed it (the first, as evaluated);
- `or` that held lists only the parts that were true; `or` that failed lists why each part failed;
- `!` explains its operand as a fact, which reads as its negation: "not acknowledged", "ARR $200k < $1M";
- `all`/`some`/`none` count the items: "no open tickets with priority >= 3", "2 of 5 open tickets with ...";
- anything else reads as "<expression> is <value>".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from escdesk.rules.compiler import Compiled
from escdesk.rules.describe import Describer
from escdesk.rules.explain_memo import CompiledNodes
from escdesk.rules.formats import (
    Field,
    FieldLabels,
    days,
    field_for,
    hours,
    literal_var_path,
    minutes,
    money,
    plain,
    points,
    unit,
)
from escdesk.rules.jsonlogic import compile_rule
from escdesk.rules.operators import ITERATING
from escdesk.rules.semantics import less_than, loose_equal, strict_equal, truthy
from escdesk.rules.validation import REF

__all__ = ["CompiledNodes", "Field", "days", "explain", "hours", "minutes", "money", "plain", "points", "unit"]

_ORDER = (">", ">=", "<", "<=")
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "min", "max"})
# The operator that holds when the one written did not (for numbers and strings; checked before it is used).
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
# operator -> (whether equal values make it hold, which equality)
_EQUALITY = {
    "==": (True, loose_equal),
    "===": (True, strict_equal),
    "!=": (False, loose_equal),
    "!==": (False, strict_equal),
}


@dataclass(frozen=True, slots=True)
class _Phrase:
    holds: bool
    text: str
    joiner: str = ""  # "and"/"or" when the text joins several parts: it needs brackets inside the other joiner


def explain(
    rule: Any,
    data: Any,
    *,
    fields: FieldLabels | None = None,
    refs: Mapping[str, Any] | None = None,
    validated: bool = False,
    compiled: CompiledNodes | None = None,
) -> str:
    """One sentence saying why `rule` holds (or does not) for `data`; `fields` gives labels and formats.

    `validated`: the caller already validated `rule` (a policy does at load), so it is not checked again: a board
    of 2,000 cases explains thousands of firings per refresh. `compiled`: this rule's (and refs') closures from
    earlier explanations, reused (the same `rule` and `refs` every time)."""
    if not validated:
        compile_rule(rule, refs=refs)  # every node below is then known to be well formed
    if compiled is None:
        return _Explainer(data, fields, refs, CompiledNodes()).why(rule).text
    key = compiled.memo_key(rule, refs, fields, data)
    said = None if key is None else compiled.said.get(key)  # one lookup: another thread may clear it meanwhile
    if said is not None:
        return said
    text = _Explainer(data, fields, refs, compiled).why(rule).text
    if key is not None:
        compiled.remember(key, text)
    return text


class _Explainer:
    def __init__(
        self, data: Any, fields: FieldLabels | None, refs: Mapping[str, Any] | None, compiled: CompiledNodes
    ) -> None:
        self.data = data
        self.fields = fields
        self.refs = refs
        self.compiled = compiled
        self.describer = Describer(fields)

    def closure(self, node: Any) -> Compiled:
        """`node` is always a node of the rule (or its refs), never a dict made up here: ids stay meaningful."""
        return self.compiled.closure(node, self.refs)

    def value(self, node: Any) -> Any:
        return self.compiled.closure(node, self.refs)(self.data)

    def why(self, node: Any) -> _Phrase:
        if not isinstance(node, dict):
            holds = truthy(self.value(node))
            return _Phrase(holds, "always" if holds else "never")
        op, raw = next(iter(node.items()))
        args = raw if isinstance(raw, list) else [raw]
        if op == REF and self.refs is not None:
            return self.why(self.refs[args[0]])
        handler = _HANDLERS.get(op)
        if handler is not None:
            return handler(self, node, args)
        if op in _EQUALITY:
            return self.equality(op, args)
        if op in _ORDER:
            return self.ordering(node, op, args)
        if op in ITERATING and op not in ("map", "filter", "reduce"):
            return self.quantifier(node, op, args)
        return self.generic(node)

    def generic(self, node: Any) -> _Phrase:
        value = self.value(node)
        return _Phrase(truthy(value), f"{self.describer.describe(node)} is {plain(value)}")

    # --- operand texts -------------------------------------------------------------------------------------

    def field_of(self, node: Any) -> Field | None:
        """The Field when `node` is a var with a literal path, else None."""
        literal, path = literal_var_path(node)
        return field_for(path, self.fields) if literal else None

    def inner_field(self, node: Any) -> Field | None:
        """The field whose format an arithmetic expression's value takes: "ARR - credit ($1.2M)"."""
        found = self.field_of(node)
        if found is None and isinstance(node, dict) and next(iter(node)) in _ARITHMETIC:
            raw = next(iter(node.values()))
            args = raw if isinstance(raw, list) else [raw]
            found = next((f for f in map(self.inner_field, args) if f is not None), None)
        return found

    def operand(self, node: Any, partner: Field | None) -> str:
        """A fact as "label value", a literal in the partner field's format, an expression with its value."""
        found = self.field_of(node)
        if found is not None:
            return f"{found.label} {found.format(self.value(node))}"
        formatter = partner.format if partner else plain
        if not isinstance(node, dict | list):
            return formatter(node)
        inner = self.inner_field(node)
        return f"{self.describer.describe(node)} ({(inner.format if inner else plain)(self.value(node))})"

    # --- operators -------------------------------------------------------------------------------------------

    def both(self, args: list[Any], joiner: str) -> _Phrase:
        """and/or: evaluated like JS (and stops at its first falsy part); the phrase keeps the parts that count."""
        phrases: list[_Phrase] = []
        for arg in args:
            phrases.append(self.why(arg))
            if joiner == "and" and not phrases[-1].holds:
                return phrases[-1]
        holds = all(p.holds for p in phrases) if joiner == "and" else any(p.holds for p in phrases)
        if not phrases:
            return _Phrase(False, "no conditions")
        if joiner == "or":
            phrases = [p for p in phrases if p.holds] or phrases
            joiner = "or" if holds else "and"
        return _join(phrases, joiner, holds)

    def negation(self, args: list[Any], invert: bool) -> _Phrase:
        """The operand's phrase is already a fact ("not acknowledged", "ARR $200k < $1M"): only the truth flips."""
        inner = self.why(args[0])
        holds = inner.holds != invert
        if not isinstance(args[0], dict):  # a literal has no fact to state, only the outcome
            return _Phrase(holds, "always" if holds else "never")
        return _Phrase(holds, inner.text, inner.joiner)

    def truth_of_field(self, node: Any, found: Field) -> _Phrase:
        value = self.value(node)
        holds = truthy(value)
        if value is True or value is False:
            return _Phrase(holds, found.label if holds else f"not {found.label}")
        if holds:
            return _Phrase(True, f"{found.label} {found.format(value)}")
        empty = value is None or value == "" or value == []
        return _Phrase(False, f"no {found.label}" if empty else f"{found.label} {found.format(value)}")

    def var(self, node: Any) -> _Phrase:
        found = self.field_of(node)
        return self.truth_of_field(node, found) if found is not None else self.generic(node)

    def equality(self, op: str, args: list[Any]) -> _Phrase:
        positive, test = _EQUALITY[op]
        left, right = args
        equal = test(self.value(left), self.value(right))
        holds = equal == positive
        fact, literal = (left, right) if self.field_of(left) is not None else (right, left)
        found = self.field_of(fact)
        if found is not None and not isinstance(literal, dict | list):
            actual = found.format(self.value(fact))
            text = f"{found.label} is {actual}" if equal else f"{found.label} is {actual} (not {found.format(literal)})"
            return _Phrase(holds, text)
        verb = "equals" if equal else "differs from"
        partner = self.inner_field(left) or self.inner_field(right)
        return _Phrase(holds, f"{self.operand(left, partner)} {verb} {self.operand(right, partner)}")

    def ordering(self, node: Any, op: str, args: list[Any]) -> _Phrase:
        partner = next((f for f in map(self.inner_field, args) if f is not None), None)
        texts = [self.operand(arg, partner) for arg in args]
        holds = truthy(self.value(node))
        if holds:
            return _Phrase(True, f" {op} ".join(texts))
        if len(args) == 2 and self.flipped_holds(op, args):
            return _Phrase(False, f"{texts[0]} {_NEGATED[op]} {texts[1]}")
        return _Phrase(False, "not " + f" {op} ".join(texts))

    def flipped_holds(self, op: str, args: list[Any]) -> bool:
        left, right = self.value(args[0]), self.value(args[1])
        if _NEGATED[op] in ("<", "<="):
            return less_than(left, right, or_equal=_NEGATED[op] == "<=")
        return less_than(right, left, or_equal=_NEGATED[op] == ">=")

    def membership(self, node: Any, args: list[Any]) -> _Phrase:
        needle, haystack = args
        holds = truthy(self.value(node))
        found = self.field_of(needle)
        if found is not None and isinstance(haystack, list) and not any(isinstance(h, dict) for h in haystack):
            options = ", ".join(found.format(h) for h in haystack[:5]) + (", ..." if len(haystack) > 5 else "")
            verb = "one of" if holds else "not one of"
            return _Phrase(holds, f"{found.label} is {found.format(self.value(needle))} ({verb} {options})")
        container = self.field_of(haystack)
        container_text = container.label if container else self.operand(haystack, None)
        verb = "contains" if holds else "does not contain"
        return _Phrase(holds, f"{container_text} {verb} {self.operand(needle, container)}")

    def missing(self, node: Any, op: str, args: list[Any]) -> _Phrase:
        absent = self.value(node)
        if absent:
            return _Phrase(True, "missing " + ", ".join(field_for(key, self.fields).label for key in absent))
        keys = args[-1] if op == "missing_some" else args[0] if len(args) == 1 else args
        keys = keys if isinstance(keys, list) else [keys]
        if any(isinstance(key, dict | list) for key in keys):
            return _Phrase(False, "nothing missing")
        labels = ", ".join(field_for(key, self.fields).label for key in keys)
        return _Phrase(False, f"{'enough of ' if op == 'missing_some' else ''}{labels} given")

    def condition(self, node: Any, args: list[Any]) -> _Phrase:
        """if/?:: the conditions tried up to the branch taken, then the branch itself when it is logic."""
        tried: list[_Phrase] = []
        index = 0
        while index < len(args) - 1:
            tried.append(self.why(args[index]))
            if tried[-1].holds:
                break
            index += 2
        branch = args[index + 1] if tried and tried[-1].holds else (args[-1] if len(args) % 2 else None)
        outcome = self.why(branch) if isinstance(branch, dict) else None
        holds = outcome.holds if outcome else truthy(self.value(node))
        parts = tried + ([outcome] if outcome else [])
        return _join(parts, "and", holds) if parts else _Phrase(holds, "always" if holds else "never")

    def quantifier(self, node: Any, op: str, args: list[Any]) -> _Phrase:
        items = self.value(args[0])
        items = items if isinstance(items, list | tuple) else []
        body = self.closure(args[1])
        count = sum(1 for item in items if truthy(body(item)))
        holds = truthy(self.value(node))
        source = self.describer.describe(args[0])
        predicate = self.describer.describe(args[1], item_scope=True)
        if not items:
            return _Phrase(holds, f"no {source}")
        if count == 0:
            return _Phrase(holds, f"no {source} with {predicate}")
        quantity = f"all {len(items)}" if count == len(items) else f"{count} of {len(items)}"
        return _Phrase(holds, f"{quantity} {source} with {predicate}")


def _join(phrases: list[_Phrase], joiner: str, holds: bool) -> _Phrase:
    unique = list({p.text: p for p in phrases}.values())  # "always or always" says nothing twice
    if len(unique) == 1:
        return _Phrase(holds, unique[0].text, unique[0].joiner)
    texts = [f"({p.text})" if p.joiner and p.joiner != joiner else p.text for p in unique]
    return _Phrase(holds, f" {joiner} ".join(texts), joiner)


# Handlers get the node itself: what they evaluate whole is that node, never a copy (CompiledNodes keys by id).
_HANDLERS: dict[str, Callable[[_Explainer, Any, list[Any]], _Phrase]] = {
    "and": lambda self, node, args: self.both(args, "and"),
    "or": lambda self, node, args: self.both(args, "or"),
    "!": lambda self, node, args: self.negation(args, invert=True),
    "!!": lambda self, node, args: self.negation(args, invert=False),
    "var": lambda self, node, args: self.var(node),
    "in": lambda self, node, args: self.membership(node, args),
    "missing": lambda self, node, args: self.missing(node, "missing", args),
    "missing_some": lambda self, node, args: self.missing(node, "missing_some", args),
    "if": lambda self, node, args: self.condition(node, args),
    "?:": lambda self, node, args: self.condition(node, args),
}
