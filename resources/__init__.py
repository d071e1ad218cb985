"""Default policy files, icons and style sheets, shipped as package data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource file; works from a checkout, an installed wheel and a PyInstaller bundle."""
    return Path(str(resources.files(__name__).joinpath(*parts)))
