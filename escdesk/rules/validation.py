"""Load-time checks of a JsonLogic condition: everything that can be refused before any case is evaluated.

A policy is refused when it loads, with a message that names the rule and the place in its condition, rather
than failing (or silently answering null) later while a case is evaluated. Checked: only JSON values; one operator
per object and only known operators; argument counts where a wrong count is surely a mistake (never one the
conformance suite uses); fact names against the known fields; nesting depth and total size; references to named
conditions exist and form no cycle.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping
from typing import Any

from escdesk.rules.errors import RuleError
from escdesk.rules.operators import ARITY, ITERATING, OPERATORS
from escdesk.rules.semantics import js_string

# A reference to a named condition of the same policy: {"ref": "exec-contact"}. Not JsonLogic; accepted only when
# the caller passes the named conditions, so a plain JsonLogic rule cannot smuggle it in.
REF = "ref"

# Limits for rules evaluated without an explicit validation (evaluate, compile_rule): far above any real policy
# and far below Python's recursion limit, so a hostile rule meets a RuleError, never a RecursionError.
HARD_MAX_DEPTH = 200
HARD_MAX_NODES = 100_000

__all__ = ["HARD_MAX_DEPTH", "HARD_MAX_NODES", "REF", "RuleError", "validate", "validate_named"]


def validate(
    rule: Any,
    *,
    known_fields: Collection[str] | None = None,
    max_depth: int = 32,
    max_nodes: int = 2000,
    where: str = "rule",
    at: str = "condition",
    refs: Collection[str] | None = None,
) -> None:
    """Raise RuleError for the first problem found in `rule`; return None when it is fit to evaluate.

    `known_fields`: the fact names rules may read ("account.arr" is known when "account" is); None skips the
    check. `refs`: names of the policy's named conditions that {"ref": name} may use (see `validate_named`).
    """
    checker = _Checker(where, known_fields, max_depth, max_nodes, refs)
    checker.walk(rule, at, 1, facts_scope=True)


class _Checker:
    def __init__(
        self,
        where: str,
        known_fields: Collection[str] | None,
        max_depth: int,
        max_nodes: int,
        refs: Collection[str] | None,
    ) -> None:
        self.where = where
        self.known = None if known_fields is None else frozenset(known_fields)
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.refs = refs
        self.nodes = 0

    def fail(self, problem: str, path: str | None = None) -> RuleError:
        return RuleError(self.where, problem, path)

    def walk(self, node: Any, path: str, depth: int, *, facts_scope: bool) -> None:
        """Check one value; `facts_scope` is False inside a map/filter/... body, whose data is an array item."""
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.fail(f"too large (more than {self.max_nodes} values)")
        if depth > self.max_depth:
            raise self.fail(f"nested deeper than {self.max_depth} levels", path)
        if isinstance(node, dict):
            self.operation(node, path, depth, facts_scope)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                self.walk(item, f"{path}[{index}]", depth + 1, facts_scope=facts_scope)
        else:
            self.scalar(node, path)

    def scalar(self, node: Any, path: str) -> None:
        # Exact types: a set, bytes, a date or an object is not JSON and has no JsonLogic meaning.
        if node is None or type(node) in (bool, int, str):
            return
        if type(node) is float:
            if not math.isfinite(node):
                raise self.fail(f"{node!r} is not a JSON number", path)
            return
        raise self.fail(f"a {type(node).__name__} is not a JSON value", path)

    def operation(self, node: dict[Any, Any], path: str, depth: int, facts_scope: bool) -> None:
        if len(node) != 1:
            keys = ", ".join(repr(key) for key in node)
            raise self.fail(f"an operation needs exactly one operator, found {len(node)} ({keys})", path)
        op, value = next(iter(node.items()))
        if not isinstance(op, str) or (op not in OPERATORS and not (op == REF and self.refs is not None)):
            raise self.fail(f"unknown operator {op!r}", path)
        args = value if isinstance(value, list) else [value]
        self.arity(op, len(args), path)
        if op == REF:
            self.reference(args[0], path)
            return
        if facts_scope and self.known is not None and op in ("var", "missing", "missing_some"):
            self.fields(op, args, path)
        for index, arg in enumerate(args):
            arg_path = f"{path}.{op}[{index}]" if isinstance(value, list) else f"{path}.{op}"
            inner_scope = facts_scope and not (op in ITERATING and index == 1)
            self.walk(arg, arg_path, depth + 1, facts_scope=inner_scope)

    def arity(self, op: str, count: int, path: str) -> None:
        low, high = ARITY.get(op, (1, 1) if op == REF else (0, None))
        if count < low or (high is not None and count > high):
            expected = str(low) if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
            raise self.fail(f"operator {op!r} takes {expected} arguments, got {count}", path)

    def reference(self, name: Any, path: str) -> None:
        assert self.refs is not None  # only reachable when refs were given
        if not isinstance(name, str):
            raise self.fail("a ref names a condition with a literal string", path)
        if name not in self.refs:
            raise self.fail(f"unknown condition {name!r}{_suggestion(name, self.refs)}", path)

    def fields(self, op: str, args: list[Any], path: str) -> None:
        """The fact names a var/missing/missing_some reads must be literal and known."""
        if op == "var":
            names = args[:1]
        elif op == "missing":
            names = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        else:
            names = args[1] if isinstance(args[1], list) else [args[1]]
        for name in names:
            self.field(name, path)

    def field(self, name: Any, path: str) -> None:
        assert self.known is not None
        if isinstance(name, dict | list):
            raise self.fail("a computed field name cannot be checked; name the field literally", path)
        if name is None or name == "":
            return  # the whole fact set, not a field
        text = js_string(name)
        parts = text.split(".")
        if not any(".".join(parts[:end]) in self.known for end in range(1, len(parts) + 1)):
            raise self.fail(f"unknown field {text!r}{_suggestion(text, self.known)}", path)


def _suggestion(name: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validate_named(
    conditions: Mapping[str, Any],
    *,
    known_fields: Collection[str] | None = None,
    max_depth: int = 32,
    max_nodes: int = 2000,
    kind: str = "condition",
) -> None:
    """Validate a policy's named conditions, which may {"ref": ...} each other, and refuse reference cycles."""
    for name, rule in conditions.items():
        validate(
            rule,
            known_fields=known_fields,
            max_depth=max_depth,
            max_nodes=max_nodes,
            where=f"{kind} {name!r}",
            refs=conditions.keys(),
        )
    cycle = find_cycle({name: referenced(rule) for name, rule in conditions.items()})
    if cycle:
        raise RuleError(f"{kind} {cycle[0]!r}", "refers to itself: " + " -> ".join(cycle))


def referenced(rule: Any) -> list[str]:
    """The names a (validated) rule refers to with {"ref": name}, in order of appearance."""
    names: list[str] = []
    stack = [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            op, value = next(iter(node.items()))
            if op == REF:
                names.append(value[0] if isinstance(value, list) else value)
                continue
            node = value if isinstance(value, list) else [value]
        if isinstance(node, list):
            stack.extend(reversed(node))
    return names


def find_cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """A reference cycle as [a, b, ..., a], or [] (iterative depth-first search: no recursion on user data)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in sorted(graph):
        if start in state:
            continue
        path, iterators = [start], [iter(graph.get(start, []))]
        state[start] = 1
        while path:
            target = next(iterators[-1], None)
            if target is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(target) == 1:
                return [*path[path.index(target) :], target]
            elif target not in state:
                state[target] = 1
                path.append(target)
                iterators.append(iter(graph.get(target, [])))
    return []
