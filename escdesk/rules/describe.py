"""A rule read aloud without data: "priority >= 3", "ARR - credits", "not acknowledged".

Explanations use it for the parts that have no single value to show (the predicate of `some`, an arithmetic
operand); the rule editor can use it to preview a condition it cannot show as rows.
"""

from __future__ import annotations

from typing import Any

from escdesk.rules.formats import FieldLabels, field_for, literal_var_path, plain
from escdesk.rules.operators import ITERATING

_INFIX = frozenset({"==", "===", "!=", "!==", ">", ">=", "<", "<=", "+", "-", "*", "/", "%", "in"})
_WORDS = {"and": " and ", "or": " or "}


class Describer:
    def __init__(self, fields: FieldLabels | None) -> None:
        self.fields = fields

    def describe(self, node: Any, *, item_scope: bool = False) -> str:
        """`item_scope`: inside a map/some/... body field names are the items' own, so no labels apply."""
        if isinstance(node, list):
            return "[" + ", ".join(self.describe(item, item_scope=item_scope) for item in node) + "]"
        if not isinstance(node, dict):
            return plain(node)
        op, raw = next(iter(node.items()))
        args = raw if isinstance(raw, list) else [raw]
        if op == "var":
            return self.var(args, item_scope)
        # The body of map/filter/some/... reads the items, not the facts.
        parts = [self.part(arg, item_scope or (op in ITERATING and index == 1)) for index, arg in enumerate(args)]
        if op in _WORDS and parts:
            return _WORDS[op].join(parts)
        if op == "!" and parts:
            return f"not {parts[0]}"
        if op == "-" and len(parts) == 1:
            return f"-{parts[0]}"
        if op in _INFIX and len(parts) >= 2:
            return f" {op} ".join(self.literals_formatted(args, parts, item_scope))
        return f"{op}({', '.join(parts)})"

    def var(self, args: list[Any], item_scope: bool) -> str:
        path = args[0] if args else None
        if isinstance(path, dict | list):
            return f"the field named by {self.describe(path, item_scope=item_scope)}"
        if item_scope:
            return "the item" if path in (None, "") else str(path).replace("_", " ")
        return field_for(path, self.fields).label

    def part(self, node: Any, item_scope: bool) -> str:
        """An operand, bracketed when it is itself a compound expression."""
        text = self.describe(node, item_scope=item_scope)
        compound = isinstance(node, dict) and next(iter(node)) in (_INFIX | set(_WORDS)) - {"in"}
        return f"({text})" if compound else text

    def literals_formatted(self, args: list[Any], parts: list[str], item_scope: bool) -> list[str]:
        """Literals compared with a labelled field read in that field's format ("days to renewal < 90 days")."""
        if item_scope:
            return parts
        paths = [path for literal, path in map(literal_var_path, args) if literal]
        if not paths:
            return parts
        formatter = field_for(paths[0], self.fields).format
        pairs = zip(args, parts, strict=True)
        return [part if isinstance(arg, dict | list) else formatter(arg) for arg, part in pairs]
