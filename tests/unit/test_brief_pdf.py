"""The one-page executive brief: its content object, the markup user text goes through, the fitter, redaction and
the PDF itself (parsed back with pypdf). Fonts: only the DejaVu faces, which resources/fonts ships; the CJK case
(E2) and the glyph coverage check are in tests/integration/test_brief_render.py."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER

from escdesk.briefs import REDACTED, BriefContent, PlanItem, TimelineEntry, build_brief_pdf, fonts, formatting
from escdesk.briefs.fit import break_positions, cut_text
from escdesk.briefs.fonts import SANS, SERIF, FontMissing, Markup, dejavu_path, sans_like
from escdesk.briefs.redact import redact
from escdesk.briefs.sample import sample_brief
from resources import resource_path

POINTER = "continued in the full case report, ESC-1042"
PROSE = "The nightly export failed again and the planners re-keyed every delivery by hand before the morning shift. "


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with runs of whitespace made one space, so a wrapped sentence reads as one."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def long_brief() -> BriefContent:
    """Every field far too long for a page: a 10,000-character situation, 60 timeline entries, 20 plan items."""
    base = sample_brief()
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    timeline = tuple(
        TimelineEntry(start + timedelta(hours=13 * i), f"Entry {i + 1}: {PROSE * (1 + i % 3)}") for i in range(60)
    )
    plan = tuple(
        PlanItem(f"Step {i + 1}: {PROSE}", f"Owner {i + 1}", (start + timedelta(days=i)).date()) for i in range(20)
    )
    return replace(
        base,
        headline=PROSE * 3,
        situation=(PROSE * 100)[:10_000],
        impact=PROSE * 12,
        customer_ask=PROSE * 10,
        tried=PROSE * 20,
        root_cause=PROSE * 8,
        cost_of_inaction=PROSE * 9,
        timeline=timeline,
        plan=plan,
        ask=replace(base.ask, request=PROSE * 6),
        options=tuple(replace(option, detail=PROSE * 5) for option in base.options),
    )


# ---------------------------------------------------------------------------------------------------------------
# Content


def test_a_naive_instant_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValueError, match=r"generated_at .* naive"):
        replace(sample_brief(), generated_at=datetime(2026, 3, 4, 13, 5))


def test_a_naive_timeline_instant_is_refused() -> None:
    base = sample_brief()
    with pytest.raises(ValueError, match=r"timeline\[0\]"):
        replace(base, timeline=(TimelineEntry(datetime(2026, 3, 2, 9), "naive"),))


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        replace(sample_brief(), time_zone="Mars/Olympus")


def test_the_level_label_uses_the_policy_name_when_given() -> None:
    account = sample_brief().account
    assert account.level_label == "L4 COO"
    assert replace(account, level_name="Chief Operating Officer").level_label == "L4 Chief Operating Officer"


# ---------------------------------------------------------------------------------------------------------------
# Markup: user text is escaped, keeps its line breaks and gets a face that has its glyphs


def test_markup_is_escaped_so_tags_in_user_text_stay_text() -> None:
    assert Markup()("Müller & Söhne <b>not bold</b>") == "Müller &amp; Söhne &lt;b&gt;not bold&lt;/b&gt;"


def test_newlines_become_line_breaks() -> None:
    assert Markup()("one\ntwo\r\nthree") == "one<br/>two<br/>three"


def test_control_characters_are_dropped_and_tabs_become_spaces() -> None:
    assert Markup()("a\tb\x07c") == "a bc"


def test_cyrillic_needs_no_fallback_face() -> None:
    markup = Markup()
    assert markup("Дмитрий") == "Дмитрий"
    assert markup.missing == set()


def test_a_character_serif_lacks_is_set_in_sans_of_the_same_weight() -> None:
    # U+2713 CHECK MARK is in DejaVu Sans but not in DejaVu Serif.
    assert f'<font name="{SANS}-Bold">✓</font>' in Markup()("done ✓", f"{SERIF}-Bold")


def test_sans_like_keeps_weight_and_slant() -> None:
    assert sans_like(SERIF) == SANS
    assert sans_like(f"{SERIF}-Bold") == f"{SANS}-Bold"
    assert sans_like(f"{SERIF}-Italic") == f"{SANS}-Oblique"


def test_the_shipped_dejavu_is_preferred_over_the_system_copy() -> None:
    assert dejavu_path("DejaVuSans.ttf") == resource_path("fonts", "DejaVuSans.ttf")
    assert resource_path("fonts", "LICENSE-DejaVu.txt").is_file()


def test_without_a_shipped_copy_the_system_one_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"stand-in")
    monkeypatch.setattr(fonts, "_shipped", lambda name: None)
    monkeypatch.setattr(fonts, "SYSTEM_DEJAVU_DIRS", (tmp_path,))
    assert dejavu_path("DejaVuSans.ttf") == tmp_path / "DejaVuSans.ttf"


def test_a_missing_dejavu_is_a_clear_error_naming_the_file_and_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_shipped", lambda name: None)
    monkeypatch.setattr(fonts, "SYSTEM_DEJAVU_DIRS", ())
    monkeypatch.setattr(fonts, "_fc_match", lambda name: None)
    with pytest.raises(FontMissing, match=r"DejaVuSerif-Bold\.ttf .* fonts-dejavu-core"):
        dejavu_path("DejaVuSerif-Bold.ttf")


# ---------------------------------------------------------------------------------------------------------------
# Cutting


def test_cuts_fall_before_spaces_and_after_ideographs() -> None:
    assert break_positions("ab cd") == [0, 2, 5]
    assert break_positions("客户升级") == [0, 1, 2, 3, 4]


def test_a_cut_drops_trailing_punctuation_that_would_clash_with_the_ellipsis() -> None:
    assert cut_text("Export failed, again. Then", 21) == "Export failed, again"


# ---------------------------------------------------------------------------------------------------------------
# Formatting


def test_money_reads_to_the_dollar_with_separators() -> None:
    assert formatting.money(Decimal("1240000.4")) == "$1,240,000"
    assert formatting.money(Decimal("-500")) == "-$500"


def test_a_moment_carries_its_zone() -> None:
    at = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)
    assert formatting.moment(at, sample_brief().zone) == "Fri 6 Mar 2026, 12:00 CET"


def test_summer_time_shows_its_own_abbreviation() -> None:
    at = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert formatting.moment(at, sample_brief().zone) == "Wed 1 Jul 2026, 12:00 CEST"


# ---------------------------------------------------------------------------------------------------------------
# Redaction


def test_redaction_replaces_every_declared_contact_wherever_they_appear() -> None:
    redacted = redact(sample_brief())
    assert redacted.account.csm == REDACTED
    assert redacted.account.customer_contact == REDACTED
    assert "Jonas" not in redacted.customer_ask and "Lindqvist" not in redacted.ask.request
    assert redacted.ask.of == f"{REDACTED}, COO"
    assert redacted.account.customer == "Nordwind Logistics AG"  # the customer is the subject, not a contact


def test_redaction_removes_amounts_written_in_free_text() -> None:
    redacted = redact(sample_brief())
    assert "$15,500" not in redacted.ask.request
    assert "$1.24M" not in redacted.cost_of_inaction
    assert REDACTED in redacted.cost_of_inaction


def test_a_redacted_name_made_of_two_parts_reads_as_one_redaction() -> None:
    assert redact(sample_brief()).customer_ask.count(REDACTED) == 1


def test_redaction_removes_everyone_the_case_names_not_only_the_account_box() -> None:
    """Leaders brought in and plan owners from other teams are named in the directory and the history: a redacted
    copy hides them too, and a full name goes as one piece even when its surname is also a contact's."""
    brief = replace(
        sample_brief(),
        timeline=(TimelineEntry(sample_brief().generated_at, "Brought in Priya Reddy (incident commander)"),),
        impact="Oliver Brennan from finance and Ava Lindqvist join the call",
        people=("Priya Reddy", "Oliver Brennan", "Ava Lindqvist"),  # Lindqvist: also the customer contact's surname
    )
    redacted = redact(brief)
    words = " ".join([redacted.timeline[0].text, redacted.impact])
    for name in ("Priya", "Reddy", "Oliver", "Brennan", "Ava", "Lindqvist"):
        assert name not in words
    assert redacted.impact == f"{REDACTED} from finance and {REDACTED} join the call"


# ---------------------------------------------------------------------------------------------------------------
# The PDF


def test_a_normal_brief_is_one_page_with_the_facts_of_its_case() -> None:
    text = pdf_text(build_brief_pdf(sample_brief()))
    assert page_count(build_brief_pdf(sample_brief())) == 1
    for fact in (
        "Nordwind Logistics AG",
        "ESC-1042",
        "$1,240,000",
        "Strategic",
        "30 Jun 2026",
        "L4 COO",
        "S1",
        "Anna Keller",
        "Marcus Boyd",
        "Dana Whitfield",
        "DECISION NEEDED FROM DANA WHITFIELD, COO",
        "Call Jonas Lindqvist before Friday to acknowledge the impact in person",
        "DECIDE BY Fri 6 Mar 2026 12:00 CET",
        "ARR AT RISK $1,240,000",
        "RECOMMENDED A. Call and credit now",
        "Thu 5 Mar 2026, 08:00 CET",
    ):
        assert fact in text, fact


def test_the_footer_has_confidentiality_page_number_and_generation_time_with_zone() -> None:
    text = pdf_text(build_brief_pdf(sample_brief()))
    assert "Confidential: internal use only" in text
    assert "Page 1 of 1" in text
    assert "Generated Wed 4 Mar 2026, 14:05 CET (Europe/Berlin)" in text


def test_a_normal_brief_is_not_cut() -> None:
    assert POINTER not in pdf_text(build_brief_pdf(sample_brief()))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_brief_with_very_long_fields_stays_one_page_and_says_where_the_rest_is(paper: str) -> None:
    pdf = build_brief_pdf(long_brief(), paper=paper)
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    assert POINTER in text
    assert "earlier entries" in text and "more plan items" in text
    assert "Entry 60:" in text and "Entry 1:" in text  # how it started and the latest are kept
    assert "DECIDE BY Fri 6 Mar 2026 12:00 CET" in text  # the ask is never cut away


def test_the_same_content_gives_the_same_bytes() -> None:
    assert build_brief_pdf(sample_brief()) == build_brief_pdf(sample_brief())
    assert build_brief_pdf(long_brief(), paper="Letter") == build_brief_pdf(long_brief(), paper="Letter")


def test_different_content_gives_different_bytes() -> None:
    assert build_brief_pdf(sample_brief()) != build_brief_pdf(replace(sample_brief(), headline="Another headline"))


@pytest.mark.parametrize(("paper", "size"), [("A4", A4), ("Letter", LETTER)])
def test_the_page_has_the_paper_size_asked_for(paper: str, size: tuple[float, float]) -> None:
    box = PdfReader(io.BytesIO(build_brief_pdf(sample_brief(), paper=paper))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size)


def test_an_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="A5"):
        build_brief_pdf(sample_brief(), paper="A5")


def test_redaction_removes_arr_figures_and_contact_names_from_the_pdf() -> None:
    text = pdf_text(build_brief_pdf(sample_brief(), redact=True))
    for secret in ("1,240,000", "$15,500", "$1.24M", "Anna Keller", "Marcus Boyd", "Dana Whitfield", "Jonas", "Keller"):
        assert secret not in text, secret
    assert "REDACTED COPY" in text
    assert "ARR redacted" in text and "ARR AT RISK redacted" in text
    assert "Nordwind Logistics AG" in text and "ESC-1042" in text


def test_the_pdf_metadata_names_the_case() -> None:
    info = PdfReader(io.BytesIO(build_brief_pdf(sample_brief()))).metadata
    assert info is not None and info.title == "ESC-1042 executive brief: Nordwind Logistics AG"


def test_a_brief_without_optional_facts_still_builds() -> None:
    base = sample_brief()
    bare = replace(
        base,
        account=replace(base.account, renewal_date=None, health=(), csm=None, exec_sponsor=None),
        timeline=(),
        plan=(),
        options=(),
        tried="",
        root_cause="",
        opened_at=None,
        prepared_by=None,
        case_type=None,
        pace=None,
    )
    text = pdf_text(build_brief_pdf(bare))
    assert "No renewal date" in text and "No scores recorded" in text and "Not recorded yet." in text


def test_nothing_is_logged_for_a_brief_every_font_covers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="escdesk.briefs"):
        build_brief_pdf(sample_brief())
    assert caplog.records == []
