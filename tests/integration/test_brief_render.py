"""The brief against the machine's real fonts and a real PDF reader: case E2 (any script renders, markup stays text),
glyph coverage checked in the fonts the PDF embeds, and poppler rendering the page without complaint.

E2 needs a CJK font with TrueType outlines (Debian: fonts-droid-fallback); without one the test fails and says so,
because a brief that prints boxes for a customer's words is the bug E2 stands for.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, PdfObject, StreamObject, TextStringObject

from escdesk.briefs import BriefContent, TimelineEntry, build_brief_pdf
from escdesk.briefs.fonts import Markup
from escdesk.briefs.sample import sample_brief

CUSTOMER = "Müller & Söhne GmbH"
CONTACT = "Дмитрий"
NOTE = "客户升级 <b>not bold</b> & co"


def e2_brief() -> BriefContent:
    base = sample_brief()
    last = base.timeline[-1].at
    return replace(
        base,
        headline=f"{CUSTOMER}: {NOTE}",
        account=replace(base.account, customer=CUSTOMER, customer_contact=CONTACT),
        situation=f"Note from the account team: {NOTE}\nOur contact {CONTACT} at {CUSTOMER} asked for a call.",
        timeline=(*base.timeline, TimelineEntry(last, NOTE)),
        prepared_by=CONTACT,
    )


def require_cjk_font() -> None:
    markup = Markup()
    markup("客户升级")
    if markup.missing:
        pytest.fail("E2 needs a CJK font with TrueType outlines: apt-get install fonts-droid-fallback")


# ---------------------------------------------------------------------------------------------------------------
# Reading back which glyph each drawn character got


def subset_cmap(ttf: bytes) -> dict[int, int]:
    """Code -> glyph index of a reportlab subset font (a format 6 cmap; glyph 0 is .notdef, the box)."""
    (tables,) = struct.unpack(">H", ttf[4:6])
    directory = (struct.unpack(">4sIII", ttf[12 + 16 * i : 28 + 16 * i]) for i in range(tables))
    offset, length = next((o, n) for tag, _, o, n in directory if tag == b"cmap")
    table = ttf[offset : offset + length]
    (subtables,) = struct.unpack(">H", table[2:4])
    for index in range(subtables):
        (start,) = struct.unpack(">I", table[8 + 8 * index : 12 + 8 * index])
        if struct.unpack(">H", table[start : start + 2])[0] == 6:
            first, count = struct.unpack(">HH", table[start + 6 : start + 10])
            glyphs = struct.unpack(f">{count}H", table[start + 10 : start + 10 + 2 * count])
            return {first + code: glyph for code, glyph in enumerate(glyphs)}
    raise AssertionError("the embedded font has no format 6 cmap")


def stream_data(reference: object) -> bytes:
    stream = cast(StreamObject, cast(PdfObject, reference).get_object())
    return stream.get_data()


def to_unicode(font: DictionaryObject) -> dict[int, str]:
    cmap = stream_data(font["/ToUnicode"]).decode("ascii")
    body = cmap.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
    pairs = (line.strip().strip("<>").split("> <") for line in body.strip().splitlines())
    return {int(code, 16): chr(int(char, 16)) for code, char in pairs}


def drawn_glyphs(pdf: bytes) -> list[tuple[str, str, int]]:
    """(font name, character, glyph index) for every character the page's text operators draw."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"].get_object())
    decoded: dict[str, tuple[str, dict[int, str], dict[int, int]]] = {}
    drawn: list[tuple[str, str, int]] = []
    current = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = str(operands[0])
            if current not in decoded:
                decoded[current] = _decode_font(cast(DictionaryObject, fonts[current].get_object()))
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            assert current is not None, "text drawn before any font was chosen"
            name, unicode, glyphs = decoded[current]
            for code in _codes(operands[-1] if operator != b"TJ" else operands[0]):
                drawn.append((name, unicode.get(code, "?"), glyphs.get(code, 0)))
    return drawn


def _decode_font(font: DictionaryObject) -> tuple[str, dict[int, str], dict[int, int]]:
    name = str(font["/BaseFont"])
    descriptor = cast(DictionaryObject | None, font.get("/FontDescriptor"))
    assert descriptor is not None, f"{name} is not embedded"
    descriptor = cast(DictionaryObject, descriptor.get_object())
    assert "/FontFile2" in descriptor, f"{name} is not embedded"
    ttf = stream_data(descriptor["/FontFile2"])
    return name, to_unicode(font), subset_cmap(ttf)


def _codes(operand: object) -> list[int]:
    items = operand if isinstance(operand, list) else [operand]
    codes: list[int] = []
    for item in items:
        if isinstance(item, (bytes, str)):
            # Strings come back as TextStringObject (a str that remembers its bytes) or ByteStringObject.
            codes.extend(item.get_original_bytes() if isinstance(item, TextStringObject) else bytes(cast(bytes, item)))
    return codes


# ---------------------------------------------------------------------------------------------------------------
# E2


def test_e2_every_glyph_renders_and_the_markup_is_printed_as_text() -> None:
    require_cjk_font()
    pdf = build_brief_pdf(e2_brief())
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in (CUSTOMER, CONTACT, NOTE):
        assert expected in text, expected

    drawn = drawn_glyphs(pdf)
    boxes = sorted({(font, char) for font, char, glyph in drawn if glyph == 0})
    assert boxes == [], f"characters drawn as .notdef boxes: {boxes}"
    drawn_chars = {char for _, char, _ in drawn}
    assert set(CUSTOMER + CONTACT + NOTE) - {" "} <= drawn_chars


def test_e2_cjk_is_set_in_a_fallback_face_and_latin_and_cyrillic_in_dejavu() -> None:
    require_cjk_font()
    faces: dict[str, set[str]] = {}
    for font, char, _ in drawn_glyphs(build_brief_pdf(e2_brief())):
        faces.setdefault(char, set()).add(font.split("+", 1)[-1])
    # Base font names are the fonts' own PostScript names: DejaVuSans, DejaVuSerif-Bold, DroidSansFallback ...
    assert not any(f.startswith("DejaVu") for f in faces["客"] | faces["级"]), faces["客"]
    assert all(f.startswith("DejaVu") for f in faces["ü"] | faces["Д"] | faces["<"])


def test_e2_is_byte_stable_too() -> None:
    require_cjk_font()
    assert build_brief_pdf(e2_brief()) == build_brief_pdf(e2_brief())


def test_the_coverage_check_sees_a_box_when_there_is_one(caplog: pytest.LogCaptureFixture) -> None:
    # U+10FFFD is a private-use code point no ordinary font draws: it must come out as .notdef and be reported.
    with caplog.at_level(logging.WARNING, logger="escdesk.briefs"):
        pdf = build_brief_pdf(replace(sample_brief(), situation="An unknown sign: \U0010fffd."))
    assert any(glyph == 0 for _, _, glyph in drawn_glyphs(pdf))
    assert any("U+10FFFD" in record.getMessage() for record in caplog.records)


MISSING_FONT_PROBE = textwrap.dedent(
    """
    import json, logging
    from dataclasses import replace
    from escdesk.briefs import fonts
    fonts.FALLBACK_CANDIDATES = ()  # as on a machine without any CJK font
    fonts.MAX_FC_LOOKUPS = 0
    from escdesk.briefs import build_brief_pdf
    from escdesk.briefs.sample import sample_brief

    class Keep(logging.Handler):
        messages = []
        def emit(self, record):
            self.messages.append((record.levelname, record.getMessage()))

    logging.getLogger("escdesk.briefs").addHandler(Keep())
    pdf = build_brief_pdf(replace(sample_brief(), situation="客户升级 <b>not bold</b> & co"))
    print(json.dumps({"pages": pdf.count(b"/Type /Page\\n"), "log": Keep.messages}))
    """
)


def test_without_a_cjk_font_the_brief_still_builds_and_a_warning_names_the_characters_and_the_fix() -> None:
    result = subprocess.run(
        [sys.executable, "-c", MISSING_FONT_PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    warnings = [message for level, message in report["log"] if level == "WARNING"]
    assert len(warnings) == 1, report["log"]
    assert "ESC-1042" in warnings[0] and "U+5BA2" in warnings[0] and "fonts-droid-fallback" in warnings[0]


HASH_PROBE = textwrap.dedent(
    """
    import hashlib
    from dataclasses import replace
    from escdesk.briefs import build_brief_pdf
    from escdesk.briefs.sample import sample_brief

    brief = replace(sample_brief(), situation="客户升级 <b>not bold</b> & co, Дмитрий, Müller & Söhne GmbH")
    for content, paper, redact in ((sample_brief(), "A4", False), (brief, "Letter", True)):
        print(hashlib.sha256(build_brief_pdf(content, paper=paper, redact=redact)).hexdigest())
    """
)


def test_the_bytes_are_the_same_in_another_process_with_another_hash_seed() -> None:
    def digests(seed: str) -> list[str]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", HASH_PROBE], capture_output=True, text=True, timeout=120, check=False, env=env
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert digests("1") == digests("2")


# ---------------------------------------------------------------------------------------------------------------
# A real renderer


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_poppler_renders_the_brief_without_complaint(tmp_path: Path, paper: str) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(build_brief_pdf(e2_brief() if _has_cjk() else sample_brief(), paper=paper))
    result = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert [p.name for p in tmp_path.glob("page*.png")] == ["page-1.png"]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_every_font_in_the_pdf_is_embedded_as_a_subset(tmp_path: Path) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(build_brief_pdf(e2_brief() if _has_cjk() else sample_brief()))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    # Columns: name type encoding emb sub uni object ID (the type "CID TrueType" is two words for some fonts).
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), listing


def _has_cjk() -> bool:
    markup = Markup()
    markup("客")
    return not markup.missing
