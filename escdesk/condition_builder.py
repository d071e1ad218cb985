"""The rule editor's condition builder, as pure data: JsonLogic <-> a tree of groups and rows (no Qt here).

A *row* compares one fact with a literal ("ARR >= 1,000,000", "severity is one of S1, S2", "flags include
exec_contact"); a *group* joins its children with AND or OR, or negates them (NOT: "none of these holds"). The
builder shows only what it can write back exactly: `to_tree` returns None for any condition whose JsonLogic the
builder would not write back value for value (a computed value, the literal written first, an unknown field, a
`some` over a list ...), and the editor then shows that condition as read-only JSON instead of silently
rewriting it. So for every rule r, `to_tree(r)` is None or `to_jsonlogic(to_tree(r)) == r`.

How rows read in JsonLogic (f is the fact, v the literal):
- `==` `!=` `<` `<=` `>` `>=`: {op: [{"var": f}, v]};  `between`: {"<=": [low, {"var": f}, high]}
- `in` (is one of): {"in": [{"var": f}, [v1, v2, ...]]}
- `contains` (text contains / list includes): {"in": [v, {"var": f}]}
- `is` for yes/no facts: {"var": f} for yes, {"!": {"var": f}} for no
- `set` / `unset` (the value is known / not known): {"!": {"missing": [f]}} / {"missing": [f]}
A NOT group of one child is {"!": child}; of several, {"!": {"or": [...]}} ("none of these"). The root of a rule
is a group in the editor; `root_group` / `root_rule` wrap and unwrap a condition that is a single row.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

GroupOp = Literal["and", "or", "not"]
GROUP_OPS: tuple[GroupOp, ...] = ("and", "or", "not")
GROUP_LABELS: dict[GroupOp, str] = {"and": "All of", "or": "Any of", "not": "None of"}

COMPARISONS = ("==", "!=", ">", ">=", "<", "<=")
# The operators a row may use, by the kind of its fact, in the order the editor offers them.
OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": (*COMPARISONS, "between", "set", "unset"),
    "text": ("==", "!=", "in", "contains", "set", "unset"),
    "bool": ("is",),
    "list": ("contains",),
}
# Enum-like text facts (choices given) have no free-text "contains".
CHOICE_TEXT_OPERATORS = ("==", "!=", "in", "set", "unset")
NO_VALUE_OPERATORS = frozenset({"set", "unset"})

_LABELS = {
    "==": "is",
    "!=": "is not",
    ">": "is more than",
    ">=": "is at least",
    "<": "is less than",
    "<=": "is at most",
    "between": "is between",
    "in": "is one of",
    "is": "is",
    "set": "is known",
    "unset": "is not known",
}
_NUMBER_LABELS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


class FactLike(Protocol):
    """What the builder reads of a fact definition (escdesk.facts.FactDef has these and more)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...


Catalogue = Mapping[str, FactLike]


@dataclass(frozen=True, slots=True)
class Row:
    """One comparison: `value` is a number, a string, a bool (`is`), or a tuple (`in`: values; `between`: low,
    high)."""

    field: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class Group:
    op: GroupOp
    children: tuple[Node, ...] = field(default=())


Node = Row | Group


class BuilderError(ValueError):
    """A row the builder cannot write; the message names the field as the person sees it."""


def default_catalogue() -> Catalogue:
    """The fact catalogue rules read (escdesk.facts); imported late so the builder never needs it at import."""
    module = importlib.import_module("escdesk.facts")
    catalogue: Catalogue = module.FACT_CATALOGUE
    return catalogue


def operators_for(fact: FactLike) -> tuple[str, ...]:
    if fact.kind == "text" and fact.choices:
        return CHOICE_TEXT_OPERATORS
    return OPERATORS_BY_KIND.get(fact.kind, ())


def operator_label(fact: FactLike, op: str) -> str:
    if op == "contains":
        return "includes" if fact.kind == "list" else "contains"
    if fact.kind == "number" and op in _NUMBER_LABELS:
        return _NUMBER_LABELS[op]
    return _LABELS[op]


# -- tree -> JsonLogic -------------------------------------------------------------------------------------------


def to_jsonlogic(node: Node) -> Any:
    """The JsonLogic of a node (no checks of values: see `check_row`)."""
    if isinstance(node, Group):
        parts = [to_jsonlogic(child) for child in node.children]
        if node.op != "not":
            return {node.op: parts}
        return {"!": parts[0]} if len(parts) == 1 else {"!": {"or": parts}}
    return _row_json(node)


def _row_json(row: Row) -> Any:
    fact = {"var": row.field}
    if row.op == "unset":
        return {"missing": [row.field]}
    if row.op == "set":
        return {"!": {"missing": [row.field]}}
    if row.op == "is":
        return fact if row.value else {"!": fact}
    if row.op == "between":
        low, high = row.value
        return {"<=": [low, fact, high]}
    if row.op == "in":
        return {"in": [fact, list(row.value)]}
    if row.op == "contains":
        return {"in": [row.value, fact]}
    return {row.op: [fact, row.value]}


def root_group(node: Node | None) -> Group:
    """The editor's root: a lone row (or nothing) becomes an "All of" group around it."""
    if node is None:
        return Group("and")
    return node if isinstance(node, Group) else Group("and", (node,))


def root_rule(group: Group, *, unwrap: bool) -> Any:
    """The rule of the editor's root. `unwrap`: the rule was a lone row (`root_group` wrapped it), so an "All of"
    around one row is saved as that row again, as it was written."""
    if unwrap and group.op == "and" and len(group.children) == 1 and isinstance(group.children[0], Row):
        return to_jsonlogic(group.children[0])
    return to_jsonlogic(group)


def canonical(node: Node) -> Node:
    """The tree `to_tree` gives back for this tree's JsonLogic: the same tree, except that a NOT of one "is yes"
    row is that row flipped ("not acknowledged" is "acknowledged is no"), a NOT of one "is not known" row is "is
    known", and a NOT holding one OR group reads as a NOT
    of the OR's children (both are {"!": {"or": [...]}})."""
    if isinstance(node, Row):
        return node
    children = tuple(canonical(child) for child in node.children)
    if node.op == "not" and len(children) == 1:
        only = children[0]
        if isinstance(only, Row) and only.op == "is" and only.value is True:
            return Row(only.field, "is", False)
        if isinstance(only, Row) and only.op == "unset":  # {"!": {"missing": [f]}} is "f is known"
            return Row(only.field, "set", None)
        if isinstance(only, Group) and only.op == "or" and len(only.children) != 1:
            return Group("not", only.children)
    return Group(node.op, children)


# -- JsonLogic -> tree -------------------------------------------------------------------------------------------


def to_tree(rule: Any, catalogue: Catalogue | None = None) -> Node | None:
    """The builder's tree for `rule`, or None when the builder cannot show it exactly (see the module doc)."""
    facts = default_catalogue() if catalogue is None else catalogue
    try:
        node = _parse(rule, facts)
        # The parse is lenient in places ({"!": [x]} reads as {"!": x}); what is shown must save as written.
        return node if _same_json(to_jsonlogic(node), rule) else None
    except (_NotShown, RecursionError):  # absurdly deep data (a policy refuses it at load anyway)
        return None


class _NotShown(Exception):
    pass


def _parse(rule: Any, facts: Catalogue) -> Node:
    if not isinstance(rule, dict) or len(rule) != 1:
        raise _NotShown
    op, args = next(iter(rule.items()))
    if op in ("and", "or") and isinstance(args, list):
        return Group(op, tuple(_parse(arg, facts) for arg in args))
    if op == "!":
        return _parse_not(args, facts)
    if op == "var":
        return _bool_row(args, facts, True)
    row = _missing_row(rule, "unset") if op == "missing" else _parse_row(op, args, facts)
    check_row(row, facts)
    return row


def _parse_not(args: Any, facts: Catalogue) -> Node:
    operand = args[0] if isinstance(args, list) and len(args) == 1 else args
    if isinstance(args, list) and len(args) != 1:
        raise _NotShown
    if isinstance(operand, dict) and set(operand) == {"var"}:
        return _bool_row(operand["var"], facts, False)
    if isinstance(operand, dict) and set(operand) == {"missing"}:
        row = _missing_row(operand, "set")
        check_row(row, facts)
        return row
    ors = operand.get("or") if isinstance(operand, dict) and set(operand) == {"or"} else None
    if isinstance(ors, list) and len(ors) != 1:  # {"!": {"or": [x]}} would come back as {"!": x}
        return Group("not", tuple(_parse(arg, facts) for arg in ors))
    return Group("not", (_parse(operand, facts),))


def _bool_row(name: Any, facts: Catalogue, value: bool) -> Row:
    fact = facts.get(name) if isinstance(name, str) else None
    if fact is None or fact.kind != "bool":
        raise _NotShown  # truthiness of a number or text is not a comparison the builder offers
    return Row(name, "is", value)


def _missing_row(node: dict[str, Any], op: str) -> Row:
    names = node["missing"]
    if not (isinstance(names, list) and len(names) == 1 and isinstance(names[0], str)):
        raise _NotShown
    return Row(names[0], op, None)


def _var_name(node: Any) -> str:
    if isinstance(node, dict) and set(node) == {"var"} and isinstance(node["var"], str):
        return str(node["var"])
    raise _NotShown


def _parse_row(op: str, args: Any, facts: Catalogue) -> Row:
    if not isinstance(args, list):
        raise _NotShown
    if op == "<=" and len(args) == 3:
        return Row(_var_name(args[1]), "between", (args[0], args[2]))
    if len(args) != 2:
        raise _NotShown
    if op == "in" and isinstance(args[1], list):
        return Row(_var_name(args[0]), "in", tuple(args[1]))
    if op == "in":
        return Row(_var_name(args[1]), "contains", args[0])
    if op in COMPARISONS:
        return Row(_var_name(args[0]), op, args[1])
    raise _NotShown


def _same_json(a: Any, b: Any) -> bool:
    """Equal as JSON text would be: 1 and 1.0 and True differ (Python's == says 1 == 1.0 == True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- checking the values of a row --------------------------------------------------------------------------------


def _shown(fact: FactLike) -> str:
    return f"{fact.label} ({fact.name})"


def check_row(row: Row, facts: Catalogue) -> None:
    """Raise _NotShown (from `to_tree`) or BuilderError (from `check_tree`) when the row is not usable."""
    fact = facts.get(row.field)
    if fact is None:
        raise _NotShown
    if row.op not in operators_for(fact):
        raise _NotShown
    try:
        _check_value(fact, row)
    except BuilderError:
        raise _NotShown from None


def check_tree(node: Node, facts: Catalogue) -> None:
    """Raise BuilderError naming the field of the first row whose field, operator or value is not usable."""
    if isinstance(node, Group):
        if not node.children:  # {"and": []} is null in JsonLogic: a rule that never fires
            raise BuilderError(f"the “{GROUP_LABELS[node.op]}” group is empty: add a condition or remove the group")
        for child in node.children:
            check_tree(child, facts)
        return
    fact = facts.get(node.field)
    if fact is None:
        raise BuilderError(f"unknown field {node.field!r}")
    if node.op not in operators_for(fact):
        raise BuilderError(f"{_shown(fact)}: the operator {node.op!r} does not apply to this field")
    _check_value(fact, node)


def _check_value(fact: FactLike, row: Row) -> None:
    if row.op in NO_VALUE_OPERATORS:
        if row.value is not None:
            raise BuilderError(f"{_shown(fact)}: “{operator_label(fact, row.op)}” takes no value")
    elif row.op == "is":
        if not isinstance(row.value, bool):
            raise BuilderError(f"{_shown(fact)}: choose yes or no")
    elif row.op == "between":
        if not (isinstance(row.value, tuple) and len(row.value) == 2):
            raise BuilderError(f"{_shown(fact)}: between needs a lower and an upper number")
        for value in row.value:
            _check_single(fact, value)
        if row.value[0] > row.value[1]:
            raise BuilderError(f"{_shown(fact)}: the first number of “between” must not be above the second")
    elif row.op == "in":
        if not isinstance(row.value, tuple) or not row.value:
            raise BuilderError(f"{_shown(fact)}: choose at least one value")
        for value in row.value:
            _check_single(fact, value)
    else:
        _check_single(fact, row.value)


def _check_single(fact: FactLike, value: Any) -> None:
    if fact.kind == "number":
        if type(value) not in (int, float) or not math.isfinite(value):
            raise BuilderError(f"{_shown(fact)}: {value!r} is not a number")
        return
    if not isinstance(value, str) or not value:
        raise BuilderError(f"{_shown(fact)}: enter a value")
    if fact.choices and value not in fact.choices:
        raise BuilderError(f"{_shown(fact)}: {value!r} is not one of {', '.join(fact.choices)}")


def parse_number(text: str) -> int | float:
    """A number as typed in a value box ("1,000,000", "2.5"); ValueError when it is not one."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        return int(cleaned)
    except ValueError:
        number = float(cleaned)  # raises ValueError for text
        if not math.isfinite(number):
            raise ValueError(text) from None
        return number
