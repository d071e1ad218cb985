"""The fonts the PDFs embed, and the markup that gives every character a face that has its glyph.

DejaVu Sans and Serif cover Latin, Greek and Cyrillic (`Müller & Söhne`, `Дмитрий`) but no CJK (`客户升级`), so a
second face is needed for those: a fallback found on the system (Debian: fonts-droid-fallback). Text is split into
runs by which face has the glyph, and the runs the body face lacks are wrapped in `<font name=...>`: reportlab has no
font fallback of its own and would silently draw boxes. A character no face covers is reported (`Markup.missing`) and
logged by the builder, never dropped silently.

Nothing happens at import time: faces are registered with reportlab on first use (once per process, under a lock,
because briefs are built on worker threads).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from unicodedata import east_asian_width
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from escdesk.errors import EscDeskError

log = logging.getLogger(__name__)

SANS = "EscDeskSans"
SERIF = "EscDeskSerif"

# Registered face name -> DejaVu file. The names are ours so nothing else registered in reportlab can clash.
DEJAVU_FACES: Mapping[str, str] = {
    SANS: "DejaVuSans.ttf",
    f"{SANS}-Bold": "DejaVuSans-Bold.ttf",
    f"{SANS}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{SANS}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    SERIF: "DejaVuSerif.ttf",
    f"{SERIF}-Bold": "DejaVuSerif-Bold.ttf",
    f"{SERIF}-Italic": "DejaVuSerif-Italic.ttf",
}
SYSTEM_DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

# TrueType-outline CJK faces (reportlab cannot embed CFF/OpenType outlines such as Noto CJK), best first.
FALLBACK_CANDIDATES = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
FALLBACK_HINT = "install a CJK font with TrueType outlines (Debian: fonts-droid-fallback or fonts-wqy-microhei)"
# Control characters have no glyph in any font and mean nothing on paper (a tab becomes a space, a newline a break).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_FC_LOOKUPS = 16  # fc-list is a subprocess: an unusual script must not cost a second per character


class FontMissing(EscDeskError):
    """A font every PDF needs (DejaVu) is neither shipped in resources/fonts nor installed."""


@dataclass(slots=True)
class _Face:
    name: str
    glyphs: Mapping[int, int]  # code point -> glyph index, straight from the font's cmap
    chars: frozenset[str] = field(init=False)  # the same coverage as characters: a line is checked in one set test

    def __post_init__(self) -> None:
        self.chars = frozenset(map(chr, self.glyphs))

    def covers(self, char: str) -> bool:
        return char in self.chars


@dataclass(slots=True)
class _Registry:
    faces: dict[str, _Face] = field(default_factory=dict)
    fallbacks: list[_Face] = field(default_factory=list)
    tried_paths: set[Path] = field(default_factory=set)
    fc_lookups: int = 0
    no_font_for: set[str] = field(default_factory=set)


_lock = threading.RLock()
_registry = _Registry()


def ensure_registered() -> None:
    """Register the DejaVu faces and their bold/italic mappings with reportlab (idempotent, thread-safe)."""
    with _lock:
        if _registry.faces:
            return
        # All or nothing: a face that fails to load must not leave a half-registered set behind.
        faces = {name: _register(name, dejavu_path(file_name)) for name, file_name in DEJAVU_FACES.items()}
        _registry.faces.update(faces)
        _map_family(SANS, f"{SANS}-Bold", f"{SANS}-Oblique", f"{SANS}-BoldOblique")
        _map_family(SERIF, f"{SERIF}-Bold", f"{SERIF}-Italic", f"{SERIF}-Bold")


def dejavu_path(file_name: str) -> Path:
    """The shipped copy first (same glyphs everywhere), then the system's, then whatever fontconfig knows."""
    for find in (_shipped, _system, _fc_match):
        path = find(file_name)  # in order, lazily: fc-match is a subprocess, needed only when the rest fail
        if path is not None and path.is_file():
            return path
    raise FontMissing(
        f"The font {file_name} is missing: it is neither in EscDesk's resources/fonts nor installed "
        "(Debian: apt-get install fonts-dejavu-core). PDFs cannot be built without it."
    )


def face(name: str) -> _Face:
    ensure_registered()
    return _registry.faces[name]


def _shipped(file_name: str) -> Path | None:
    try:
        from resources import resource_path
    except ImportError:  # a core-only install without the resources package
        return None
    return resource_path("fonts", file_name)


def _system(file_name: str) -> Path | None:
    return next((folder / file_name for folder in SYSTEM_DEJAVU_DIRS if (folder / file_name).is_file()), None)


def _fc_match(file_name: str) -> Path | None:
    """Ask fontconfig; it substitutes a similar font for a missing one, so only an exact file name counts."""
    if shutil.which("fc-match") is None:
        return None
    family, _, style = file_name.removesuffix(".ttf").partition("-")
    pattern = _split_words(family) + (
        f":style={_split_words(style)}" if style else ""
    )  # DejaVu Sans:style=Bold Oblique
    found = _run(["fc-match", "-f", "%{file}", pattern])
    path = Path(found) if found else None
    return path if path is not None and path.name == file_name else None


def _split_words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def _run(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("%s failed: %s", command[0], exc)
        return ""
    return result.stdout.strip()


def _register(name: str, path: Path) -> _Face:
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return _Face(name, font.face.charToGlyph)


def _map_family(normal: str, bold: str, italic: str, bold_italic: str) -> None:
    # addMapping (what registerFontFamily does) lets <b> and <i> in a paragraph find the right face.
    for is_bold, is_italic, name in ((0, 0, normal), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic)):
        addMapping(normal, is_bold, is_italic, name)


# ---------------------------------------------------------------------------------------------------------------
# Fallback faces for what DejaVu lacks, found lazily: loading a CJK font costs ~0.3 s and most briefs need none.


def fallback_for(char: str) -> _Face | None:
    with _lock:
        for fallback in _registry.fallbacks:
            if fallback.covers(char):
                return fallback
        if char in _registry.no_font_for:
            return None
        found = _discover(char)
        if found is None:
            _registry.no_font_for.add(char)
        return found


def _discover(char: str) -> _Face | None:
    for path in (*FALLBACK_CANDIDATES, *_fc_list(char)):
        if path in _registry.tried_paths or not path.is_file():
            continue
        _registry.tried_paths.add(path)
        loaded = _load_fallback(path)
        if loaded is not None and loaded.covers(char):
            return loaded
    return None


def _fc_list(char: str) -> list[Path]:
    if shutil.which("fc-list") is None or _registry.fc_lookups >= MAX_FC_LOOKUPS:
        return []
    _registry.fc_lookups += 1
    listing = _run(["fc-list", f":charset={ord(char):x}", "file"])
    files = sorted(line.rstrip(":").strip() for line in listing.splitlines())
    return [Path(name) for name in files if name.lower().endswith((".ttf", ".ttc"))]


def _load_fallback(path: Path) -> _Face | None:
    name = f"EscDeskFallback{len(_registry.fallbacks) + 1}"
    try:
        loaded = _register(name, path)
    except (TTFError, OSError) as exc:  # CFF outlines, a broken file: try the next candidate
        log.info("Skipping fallback font %s: %s", path, exc)
        return None
    # One face serves every style: faking bold would be worse than a regular-weight ideograph.
    _map_family(name, name, name, name)
    _registry.fallbacks.append(loaded)
    log.info("Using %s for characters DejaVu lacks", path)
    return loaded


# ---------------------------------------------------------------------------------------------------------------
# Markup: user text -> escaped paragraph markup with per-run faces.


@dataclass(slots=True)
class Markup:
    """Turns user text into paragraph markup; remembers the characters no installed font can draw."""

    missing: set[str] = field(default_factory=set)

    def __call__(self, text: str, base: str = SANS) -> str:
        """Escape `text` (so `<b>` stays literal), keep its line breaks, and give each run a face with its glyphs."""
        primary = face(base)
        lines = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).split("\n")
        return "<br/>".join(
            escape(line) if primary.chars.issuperset(line) else self._line(line, primary) for line in lines
        )

    def _line(self, line: str, primary: _Face) -> str:
        runs: list[tuple[str | None, list[str]]] = []
        for char in line:
            name = self._face_name(char, primary)
            if runs and runs[-1][0] == name:
                runs[-1][1].append(char)
            else:
                runs.append((name, [char]))
        return "".join(_run_markup(name, "".join(chars)) for name, chars in runs)

    def _face_name(self, char: str, primary: _Face) -> str | None:
        """None means the base face: it has the glyph, or nothing has (then the character is recorded)."""
        if primary.covers(char):
            return None
        sans = face(sans_like(primary.name))
        if sans.covers(char):  # DejaVu Serif has fewer glyphs than Sans; Sans is the nearer substitute
            return sans.name
        fallback = fallback_for(char)
        if fallback is None:
            self.missing.add(char)
            return None
        return fallback.name


def sans_like(base: str) -> str:
    """The Sans face of the same weight and slant: a <font> tag resets both to what its face name says."""
    style = base.partition("-")[2].replace("Italic", "Oblique")
    return f"{SANS}-{style}" if style else SANS


def _run_markup(name: str | None, text: str) -> str:
    escaped = escape(text)
    return escaped if name is None else f'<font name="{name}">{escaped}</font>'


def describe_missing(chars: set[str]) -> str:
    ordered = sorted(chars)
    listed = ", ".join(f"U+{ord(c):04X} {c!r}" for c in ordered[:12])
    more = f" and {len(chars) - 12} more" if len(chars) > 12 else ""
    if any(east_asian_width(c) in "WF" for c in ordered):
        hint = FALLBACK_HINT
    else:
        hint = f"install a font that has them (fc-list ':charset={ord(ordered[0]):x}' lists the ones that do)"
    return f"no installed font has a glyph for {listed}{more}; they print as boxes; {hint}"
