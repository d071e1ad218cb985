"""Redaction for a wider audience: contact names and money figures replaced by "redacted".

Names: every person the account box names (CSM, AE, executive sponsor, customer contact) and everyone else the
case names (the people directory, the actors of its history: BriefContent.people) is removed wherever the brief
mentions them, by full name first and then by each part of a multi-part name ("Dmitry" as well as "Dmitry
Ivanov"), so a timeline line "Call with Dmitry" does not undo the redaction, and "Ava Cohen" goes as one piece
even when another "Cohen" is in the box. Money: the account box amounts are never printed (the renderer checks
the flag), and amounts written in free text ("$1.2M", "€40,000", "300k ARR") are replaced too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from escdesk.briefs.content import AccountBox, BriefContent, BriefOption, TimelineEntry

REDACTED = "redacted"
_MONEY = re.compile(
    r"[$€£¥]\s?\d(?:[\d,.]*\d)?(?:\s?(?:[kKmMbB]n?|million|thousand|billion)\b)?"
    r"|\b\d(?:[\d,.]*\d)?\s?(?:[kKmM]\b\s?)?(?:USD|EUR|GBP)\b"
    r"|\b\d(?:[\d,.]*\d)?\s?[kKmM]\b(?=\s?ARR\b)"
)
_REPEATED = re.compile(rf"{REDACTED}(?:\s+{REDACTED})+")
_ROLE = re.compile(r"\s*(?:\([^)]*\)|,.*)$")  # "Jonas Lindqvist (VP Operations)", "Dana Whitfield, COO"
MIN_NAME_PART = 3  # "Li" or "Al" as a word would redact too much ordinary text


def redact(content: BriefContent) -> BriefContent:
    scrub = _scrubber(content.named_people)
    return replace(
        content,
        headline=scrub(content.headline),
        account=_redacted_account(content.account),
        situation=scrub(content.situation),
        impact=scrub(content.impact),
        customer_ask=scrub(content.customer_ask),
        timeline=tuple(TimelineEntry(e.at, scrub(e.text)) for e in content.timeline),
        tried=scrub(content.tried),
        root_cause=scrub(content.root_cause),
        plan=tuple(replace(p, action=scrub(p.action), owner=scrub(p.owner)) for p in content.plan),
        ask=replace(content.ask, of=scrub(content.ask.of), request=scrub(content.ask.request)),
        options=tuple(_scrub_option(o, scrub) for o in content.options),
        cost_of_inaction=scrub(content.cost_of_inaction),
        prepared_by=scrub(content.prepared_by) if content.prepared_by else None,
    )


def _redacted_account(account: AccountBox) -> AccountBox:
    def hidden(name: str | None) -> str | None:
        return REDACTED if name else None

    return replace(
        account,
        csm=hidden(account.csm),
        account_executive=hidden(account.account_executive),
        exec_sponsor=hidden(account.exec_sponsor),
        customer_contact=hidden(account.customer_contact),
    )


def _scrub_option(option: BriefOption, scrub: Callable[[str], str]) -> BriefOption:
    return replace(option, title=scrub(option.title), detail=scrub(option.detail))


def scrubber(names: Iterable[str]) -> Callable[[str], str]:
    """A function that removes money amounts and these people's names from free text (the weekly report uses it)."""
    return _scrubber(names)


def _scrubber(names: Iterable[str]) -> Callable[[str], str]:
    pattern = _names_pattern(names)

    def scrub(text: str) -> str:
        text = _MONEY.sub(REDACTED, text)
        if pattern is not None:
            text = pattern.sub(REDACTED, text)
        return _REPEATED.sub(REDACTED, text)  # "Jonas redacted" reads better as one "redacted" than as two

    return scrub


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    variants: set[str] = set()
    for named in names:
        name = _ROLE.sub("", named).strip()
        variants.update((named.strip(), name))
        parts = name.split()
        if len(parts) > 1:
            variants.update(part for part in parts if len(part) >= MIN_NAME_PART)
    variants.discard("")
    if not variants:
        return None
    # Longest first, so "Dmitry Ivanov" goes as one piece rather than as "redacted redacted".
    alternatives = "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
