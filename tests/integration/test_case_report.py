"""The full case report from a real SQLite database: what the case went through (notes, contacts, checklist ticks
and skips, involvements with who decided, brief edits, health) reaches the pages whole; case E2 from the database;
`escdesk report case` writes it, with --paper and --redact, and names a missing case."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_brief_render import require_cjk_font  # beside this file (rootdir import mode)

from escdesk.brief_editing import BriefDraft, save_brief
from escdesk.briefs import PlanItem
from escdesk.case_report_service import case_report_content
from escdesk.cli import main
from escdesk.clock import FrozenClock
from escdesk.domain import Channel, Direction, EventKind, InvolvementStatus, NewCase, StepStatus
from escdesk.ids import new_id
from escdesk.policy import default_policy
from escdesk.reports.case_report import build_case_report_pdf
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.models import HealthScore, Involvement, Person

ZONE = "Europe/Berlin"
NOTE = "客户升级 <b>not bold</b> & co"
SITUATION = " ".join(f"sit{i}" for i in range(2500))


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def case_id(
    service: CaseService, store: Store, clock: FrozenClock, make_customer: Callable[..., str],
    new_outage: Callable[..., NewCase],
) -> str:  # fmt: skip
    """A case that went through a bit of everything."""
    customer = make_customer(name="Müller & Söhne GmbH")
    card = service.open_case(new_outage(customer))
    clock.advance(timedelta(minutes=20))
    card = service.complete_step(card.id, "acknowledge", "Called their IT lead", card.version)
    card = service.skip_step(card.id, "contain", "No workaround possible: the export is all or nothing", card.version)
    card = service.add_note(card.id, NOTE, card.version)
    card = service.log_contact(card.id, Channel.EMAIL, Direction.INBOUND, "Exports failed again", card.version)
    draft = BriefDraft(situation=SITUATION, exec_ask="Approve the credit.",
                       plan=(PlanItem("Create the index", "Priya, Engineering", date(2026, 3, 5)),))  # fmt: skip
    save_brief(store, card.id, draft, card.version, clock=clock, actor="lead")
    with store.uow() as uow:
        person = Person(id=new_id(), name="Tom Becker", version=1, created_at=clock.now(), updated_at=clock.now())
        uow.people.add(person)
        uow.session.flush()  # the person before the involvement that names them
        uow.session.add(Involvement(
            id=new_id(), escalation_id=card.id, role="engineering_manager", person_id=person.id, rule_key="bug_s1",
            due_at=clock.now() + timedelta(hours=1), status=InvolvementStatus.ACCEPTED.value,
            reason="open the engineering escalation", decided_by="lead", decided_at=clock.now(), version=1,
            created_at=clock.now(), updated_at=clock.now(),
        ))  # fmt: skip
        for i, score in enumerate((81, 77, 64, 52)):
            uow.session.add(HealthScore(customer_id=customer, measured_on=date(2025, 12, 1) + timedelta(days=20 * i),
                                        score=score, source="gainsight"))  # fmt: skip
        uow.commit()
    clock.advance(timedelta(days=3))  # some steps are overdue by now
    return card.id


def test_the_content_holds_what_the_case_went_through(store: Store, clock: FrozenClock, case_id: str) -> None:
    content = case_report_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE)
    assert content.brief.situation == SITUATION  # whole: the report is where the brief's cut fields point
    steps = {line.title: line for line in content.checklist}
    assert sum(line.status is StepStatus.DONE for line in content.checklist) == 1
    assert [s.note for s in steps.values() if s.status is StepStatus.SKIPPED] == [
        "No workaround possible: the export is all or nothing"
    ]
    assert any(line.overdue(clock.now()) for line in content.checklist)
    (involvement,) = content.involvements
    assert (involvement.role, involvement.person, involvement.decided_by) == (
        "Engineering manager",
        "Tom Becker",
        "lead",
    )
    assert [(c.kind, c.body) for c in content.contacts] == [
        (EventKind.NOTE, NOTE),
        (EventKind.CUSTOMER_CONTACT, "Exports failed again"),
    ]
    assert [p.score for p in content.health] == [81, 77, 64, 52]  # the whole history, not the brief's 120 days
    edits = [h.text for h in content.history if h.kind is EventKind.FIELD_CHANGED]
    assert edits == ["Brief edited: Situation, The ask of this executive, Plan. Situation: sit0 sit1 sit2 sit3 sit4 "
                     "sit5 sit6 sit7 sit8 sit9 sit10 sit11 sit12 sit13 sit14 sit15 sit16 sit17 sit18 sit19 sit20 "
                     "sit…; The ask of this executive: Approve the credit.; "
                     "Plan: 1 item, 0 done"]  # fmt: skip
    assert not content.plan_derived


def test_e2_and_every_field_whole_in_the_pdf(
    store: Store, clock: FrozenClock, case_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    require_cjk_font()
    content = case_report_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE)
    with caplog.at_level("WARNING"):
        pdf = build_case_report_pdf(content)
    assert not caplog.records, "a character no installed font has was drawn as a box"
    pages, text = pdf_text(pdf)
    assert pages >= 3
    assert re.findall(r"\bsit\d+\b", text) == [f"sit{i}" for i in range(2500)] + [
        f"sit{i}" for i in range(21)
    ]  # the situation whole, then the start of it quoted by the history entry of the edit
    assert text.count(NOTE) == 2  # the notes table and the timeline: markup as text, CJK as text
    assert "Müller & Söhne GmbH" in text and "Tom Becker" in text and "Skipped" in text and "Overdue" in text


def test_the_report_is_byte_stable(store: Store, clock: FrozenClock, case_id: str) -> None:
    def build() -> bytes:
        return build_case_report_pdf(
            case_report_content(store, case_id, clock=clock, policy=default_policy(), time_zone=ZONE)
        )

    assert build() == build()


def test_the_cli_writes_the_report_with_paper_and_redaction(
    store: Store, case_id: str, sqlite_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    out = tmp_path / "report.pdf"
    assert main(["report", "case", "ESC-1001", "--db", str(sqlite_db), "-o", str(out), "--paper", "Letter",
                 "--redact"]) == 0  # fmt: skip
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert round(float(reader.pages[0].mediabox[2])) == 612  # Letter
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "REDACTED COPY" in text and "$1,200,000" not in text
    assert main(["report", "case", "ESC-77", "--db", str(sqlite_db), "-o", str(tmp_path / "x.pdf")]) == 1
    assert "no case 'ESC-77'" in capsys.readouterr().err
