"""Checks of the JSON shape of a data file (policy, settings): one wording for every "expected an object here"."""

from __future__ import annotations

from typing import Any


def json_kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def expect_object(value: Any, where: str, error: type[ValueError] = ValueError) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise error(f"{where}: expected a JSON object, got {json_kind(value)}")
    return value


def expect_list(value: Any, where: str, error: type[ValueError] = ValueError) -> list[Any]:
    if not isinstance(value, list):
        raise error(f"{where}: expected a JSON list, got {json_kind(value)}")
    return value
