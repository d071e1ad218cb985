"""Decoding a policy file's bytes into JSON data that is safe to parse (no Qt here).

A policy file comes from a person (Notepad, a team share, a download), so what Python's json module would turn
into a traceback or a value the app cannot use is refused here with a message naming the field:
- bigger than MAX_POLICY_BYTES: a policy is tens of kilobytes; megabytes are a wrong file, not a policy;
- a UTF-8 byte order mark (Windows Notepad writes one) is accepted;
- integers of more than 4,300 digits (Python refuses to convert them) and numbers too large for a float;
- NaN and Infinity, which json accepts but JSON does not (and which no field of a policy can mean);
- nesting deeper than MAX_POLICY_DEPTH levels: the shipped policy is 12 deep; thousands of levels would
  exhaust the recursion of the decoder or of the rule parser.
Refused numbers are replaced by a marker while decoding, then the tree is walked once (iteratively) to find
the first marker and the nesting depth, so the message can name the field.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Collection
from typing import Any

MAX_POLICY_BYTES = 5 * 1024 * 1024
MAX_POLICY_DEPTH = 100
MAX_INT_DIGITS = 4300  # Python's default int/str conversion limit (sys.get_int_max_str_digits)


class PolicyInputError(ValueError):
    """The file's bytes are not usable policy JSON; the message starts with the file or field it names."""


class _Refused:
    """Stands in for a number the decoder must not build; the walk reports it with the field's name."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _integer(text: str) -> int | _Refused:
    try:
        return int(text)
    except ValueError:  # over Python's int/str conversion limit (4,300 digits unless configured otherwise)
        return _Refused(f"numbers of more than {MAX_INT_DIGITS:,} digits are not allowed in a policy")


def _real(text: str) -> float | _Refused:
    value = float(text)
    if not math.isfinite(value):
        return _Refused(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is too large")
    return value


def _constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a number JSON allows (write a number, or null)")


def decode_policy_json(raw: bytes, source: str) -> Any:
    """The JSON value in `raw`; PolicyInputError (naming `source` or the field) when it cannot be used."""
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyInputError(
            f"{source}: the file is larger than {MAX_POLICY_BYTES // (1024 * 1024)} MB, too large for a policy"
        )
    try:
        text = raw.decode("utf-8-sig")  # the BOM Notepad writes is not part of the JSON
    except UnicodeDecodeError as exc:
        raise PolicyInputError(f"{source}: cannot read the policy file (not UTF-8 text: {exc.reason})") from None
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise PolicyInputError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # the C decoder gives up long before our own limit would name a field
        raise PolicyInputError(_too_deep(source)) from None
    _check_tree(data, source)
    return data


def _too_deep(where: str) -> str:
    shown = where if len(where) <= 240 else f"{where[:240]}..."  # the path of a deep field is itself very long
    return f"{shown}: nested deeper than {MAX_POLICY_DEPTH} levels"


def _check_tree(data: Any, source: str) -> None:
    """Raise for the first refused number (in file order) or for nesting deeper than MAX_POLICY_DEPTH."""
    pending: list[tuple[Any, str, int]] = [(data, source, 0)]
    while pending:
        value, where, depth = pending.pop()
        if isinstance(value, _Refused):
            raise PolicyInputError(f"{where}: {value.reason}")
        if isinstance(value, dict | list):
            if depth >= MAX_POLICY_DEPTH:
                raise PolicyInputError(_too_deep(where))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            children = [(child, _field(where, key), depth + 1) for key, child in items]
            pending.extend(reversed(children))  # popped in file order


def _field(where: str, key: str | int) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"


def check_top_level_keys(data: dict[str, Any], known: Collection[str], source: str) -> None:
    """Refuse a top-level key the shipped policy does not have: a typo ("rulse") would otherwise be ignored and
    the section silently taken from the default."""
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (a policy has {', '.join(sorted(known))})"
            raise PolicyInputError(f"{source}: unknown field {key[:80]!r}{hint}")
