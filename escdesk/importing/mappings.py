"""Generic mappings for files no preset knows: {EscDesk field: source column}, saved by name for reuse."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from escdesk.importing.presets import FIELDS_OF, ImportKind, Preset, UnknownFormat
from escdesk.paths import config_dir

MAPPING_NAME = re.compile(r"^[\w][\w .-]{0,59}$")


def mappings_dir() -> Path:
    return config_dir() / "import-mappings"


def _mapping_path(name: str) -> Path:
    if not MAPPING_NAME.match(name) or ".." in name:
        raise UnknownFormat(f"invalid mapping name {name!r}: letters, digits, space, '.', '-', '_' only")
    return mappings_dir() / f"{name}.json"


def mapping_preset(name: str, kind: ImportKind, system: str, columns: Mapping[str, str]) -> Preset:
    """A preset from a user's mapping {EscDesk field: source column}; refuses fields EscDesk does not know."""
    known = FIELDS_OF[kind.value]
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise UnknownFormat(f"mapping {name!r}: unknown fields {', '.join(unknown)}; known: {', '.join(known)}")
    if "name" not in columns and kind is ImportKind.CUSTOMERS:
        raise UnknownFormat(f"mapping {name!r}: a customer mapping needs a 'name' column")
    return Preset(name, kind, system, {k: (v,) for k, v in columns.items()}, signature=tuple(columns.values()))


def save_mapping(preset: Preset) -> Path:
    path = _mapping_path(preset.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"kind": preset.kind.value, "system": preset.system, "columns": {k: v[0] for k, v in preset.columns.items()}}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def load_mapping(name: str) -> Preset:
    path = _mapping_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return mapping_preset(name, ImportKind(data["kind"]), str(data["system"]), dict(data["columns"]))
    except FileNotFoundError:
        raise UnknownFormat(f"no saved mapping {name!r} (looked in {mappings_dir()})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UnknownFormat(f"saved mapping {name!r} in {path} is damaged: {exc}") from None
