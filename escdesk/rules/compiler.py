"""Compile a validated JsonLogic rule once into nested Python closures, then call it per fact set.

Walking the JSON tree on every evaluation costs a dict lookup and a dispatch per node; a closure tree pays that
once. The common shapes of a policy condition (a field against a literal, `and`/`or` of a few such tests) get
closures with a fast path for plain str/int/float operands that falls back to the full JS semantics otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from escdesk.rules.leaves import fact_getter, fused
from escdesk.rules.operators import DATA, EAGER, ITERATING, resolve
from escdesk.rules.semantics import less_than, loose_equal, truthy
from escdesk.rules.validation import REF

Compiled = Callable[[Any], Any]
# Compiled named conditions by name, filled on first use; None marks one being compiled.
RefTable = dict[str, Compiled | None]


def build(node: Any, refs: Mapping[str, Any] | None, table: RefTable) -> Compiled:
    """The closure for one node of a rule that `validate` accepted."""
    if isinstance(node, dict):
        op, value = next(iter(node.items()))
        args = value if isinstance(value, list) else [value]
        if op == REF and refs is not None:
            return _reference(args[0], refs, table)
        return _operation(op, [build(arg, refs, table) for arg in args], args)
    if isinstance(node, list):
        items = [build(item, refs, table) for item in node]
        return lambda data: [item(data) for item in items]
    return lambda data: node


def _reference(name: str, refs: Mapping[str, Any], table: RefTable) -> Compiled:
    """Named conditions compile once and are shared; the indirection keeps a (refused) cycle from looping here."""
    if name not in table:
        table[name] = None
        table[name] = build(refs[name], refs, table)

    def run(data: Any) -> Any:
        compiled = table[name]
        assert compiled is not None
        return compiled(data)

    return run


def _operation(op: str, parts: list[Compiled], raw: list[Any]) -> Compiled:
    if op in _LAZY:
        return _LAZY[op](parts)
    if op == "var" and raw and not _is_rule(raw[0]) and not (len(raw) > 1 and _is_rule(raw[1])):
        return _literal_var(raw[0], raw[1] if len(raw) > 1 else None)
    if op in DATA:
        reader = DATA[op]
        return lambda data: reader([part(data) for part in parts], data)
    leaf = fused(op, raw)
    if leaf is not None:
        return leaf
    if len(parts) == 2 and op in _BINARY:
        return _BINARY[op](parts[0], parts[1])
    function = EAGER[op]
    return lambda data: function([part(data) for part in parts])


def _is_rule(node: Any) -> bool:
    return isinstance(node, dict) or (isinstance(node, list) and any(_is_rule(item) for item in node))


def _literal_var(path: Any, default: Any) -> Compiled:
    """`var` with a literal path: a plain or dotted string is dict lookups (the usual case for fact sets)."""
    if isinstance(path, str) and path:
        return fact_getter(path, default)
    return lambda data: resolve(data, path, default)


# --- lazy operators: they decide which arguments to evaluate -------------------------------------------------


def _if(parts: list[Compiled]) -> Compiled:
    """if/?:: [cond, then, cond, then, ..., else]; no matching branch and no else gives null."""
    count = len(parts)

    def run(data: Any) -> Any:
        index = 0
        while index < count - 1:
            if truthy(parts[index](data)):
                return parts[index + 1](data)
            index += 2
        return parts[index](data) if index == count - 1 else None

    return run


def _and(parts: list[Compiled]) -> Compiled:
    """Returns the first falsy operand, or the last one (JS `&&`); no operands gives null."""
    if len(parts) == 2:
        first, second = parts

        def pair(data: Any) -> Any:
            value = first(data)
            # Comparisons return bools: test those by identity before paying for the general truthiness call.
            return second(data) if value is True or (value is not False and truthy(value)) else value

        return pair

    def run(data: Any) -> Any:
        value = None
        for part in parts:
            value = part(data)
            if value is not True and not truthy(value):
                return value
        return value

    return run


def _or(parts: list[Compiled]) -> Compiled:
    """Returns the first truthy operand, or the last one (JS `||`)."""
    if len(parts) == 2:
        first, second = parts

        def pair(data: Any) -> Any:
            value = first(data)
            return value if value is True or (value is not False and truthy(value)) else second(data)

        return pair

    def run(data: Any) -> Any:
        value = None
        for part in parts:
            value = part(data)
            if value is True or truthy(value):
                return value
        return value

    return run


def _items(value: Any) -> list[Any] | tuple[Any, ...]:
    """Iterating operators treat anything but an array as an empty one."""
    return value if isinstance(value, list | tuple) else ()


def _iterating(op: str, parts: list[Compiled]) -> Compiled:
    source, body = parts[0], parts[1]
    if op == "map":
        return lambda data: [body(item) for item in _items(source(data))]
    if op == "filter":
        return lambda data: [item for item in _items(source(data)) if truthy(body(item))]
    if op == "all":
        # JsonLogic's `all` is false for an empty array (JS's Array.every would say true).
        return lambda data: len(items := _items(source(data))) > 0 and all(truthy(body(item)) for item in items)
    if op == "some":
        return lambda data: any(truthy(body(item)) for item in _items(source(data)))
    if op == "none":
        return lambda data: not any(truthy(body(item)) for item in _items(source(data)))
    return _reduce(source, body, parts[2] if len(parts) > 2 else None)


def _reduce(source: Compiled, body: Compiled, initial: Compiled | None) -> Compiled:
    def run(data: Any) -> Any:
        accumulator = None if initial is None else initial(data)
        for current in _items(source(data)):
            accumulator = body({"current": current, "accumulator": accumulator})
        return accumulator

    return run


_LAZY: dict[str, Callable[[list[Compiled]], Compiled]] = {
    "if": _if,
    "?:": _if,
    "and": _and,
    "or": _or,
    **{op: partial(_iterating, op) for op in ITERATING},
}


# --- binary comparisons with a fast path for plain numbers and strings ---------------------------------------

_PLAIN_NUMBER = (int, float)


def _equal(left: Compiled, right: Compiled) -> Compiled:
    def run(data: Any) -> bool:
        a, b = left(data), right(data)
        kind_a, kind_b = type(a), type(b)
        if kind_a is kind_b and (kind_a is str or kind_a is int):
            return a == b
        return loose_equal(a, b)

    return run


def _not_equal(left: Compiled, right: Compiled) -> Compiled:
    equal = _equal(left, right)
    return lambda data: not equal(data)


def _less(left: Compiled, right: Compiled, or_equal: bool) -> Compiled:
    """a < b (or a <= b); `>` and `>=` are built from it with the operands swapped."""

    def run(data: Any) -> bool:
        a, b = left(data), right(data)
        if type(a) in _PLAIN_NUMBER and type(b) in _PLAIN_NUMBER:
            return a <= b if or_equal else a < b
        return less_than(a, b, or_equal=or_equal)

    return run


_BINARY: dict[str, Callable[[Compiled, Compiled], Compiled]] = {
    "==": _equal,
    "!=": _not_equal,
    "<": lambda a, b: _less(a, b, or_equal=False),
    "<=": lambda a, b: _less(a, b, or_equal=True),
    ">": lambda a, b: _less(b, a, or_equal=False),
    ">=": lambda a, b: _less(b, a, or_equal=True),
}
