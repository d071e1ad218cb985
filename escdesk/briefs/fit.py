"""Making a column of sections fit a fixed height, deterministically.

Each cuttable piece of a column is a block with a budget (lines of text, or entries of a list). Budgets start at a
per-section cap (an executive reads the first lines, the full case report has the rest), then the fitter works in
arithmetic on measured heights: while the column is too tall it takes one step off the tallest block that is still
above its floor (tallest by height over weight, so the situation keeps more than the cost of inaction); while
there is room it gives lines back to blocks that were cut, in section order. Only then is each block rendered
once (a cut text is found by binary search on its length with `wrap()`), measured, and the rare rounding overshoot
is taken off the tallest block again. Same content, same widths -> same cuts.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from unicodedata import east_asian_width

from reportlab.platypus import Flowable, Paragraph

Wrapper = Callable[[list[Flowable]], Flowable]
MAX_TEXT_BUDGET = 64  # lines: more than a body column holds on either paper; bounds the measuring of a huge field
# Text of this average glyph width (in em) is narrower than any real prose in DejaVu (about 0.5 em with spaces), so
# width / (size * BOUND_EM) characters is more than a line holds: nothing past that bound is ever measured.
BOUND_EM = 0.38


class Block(Protocol):
    weight: float

    def height(self) -> float: ...
    def can_shrink(self) -> bool: ...
    def shrink(self) -> None: ...
    def can_grow(self) -> bool: ...
    def grow(self) -> None: ...
    def render(self) -> list[Flowable]: ...


def flowables_height(flowables: Sequence[Flowable], width: float) -> float:
    """What a cell of this width needs for these flowables (a table cell adds spaceBefore/After like a frame)."""
    total = 0.0
    for flowable in flowables:
        total += flowable.wrap(width, 1e6)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


@dataclass(slots=True)
class Fixed:
    """A heading or a line that is never cut."""

    flowables: list[Flowable]
    width: float
    weight: float = 1.0
    _height: float = field(init=False)

    def __post_init__(self) -> None:
        self._height = flowables_height(self.flowables, self.width)

    def height(self) -> float:
        return self._height

    def can_shrink(self) -> bool:
        return False

    def shrink(self) -> None:
        raise AssertionError("a fixed block cannot shrink")

    def can_grow(self) -> bool:
        return False

    def grow(self) -> None:
        raise AssertionError("a fixed block cannot grow")

    def render(self) -> list[Flowable]:
        return self.flowables


@dataclass(slots=True)
class TextBlock:
    """One paragraph of user text, cut to `lines` lines; `make(text, True)` adds the pointer to the full report."""

    make: Callable[[str, bool], Paragraph]  # (text, cut) -> paragraph; the caller escapes and styles
    text: str
    width: float
    leading: float
    cap: int
    floor: int = 2
    weight: float = 1.0  # how much more room it deserves than the others when the column is cut
    wrapper: Wrapper | None = None
    inner_width: float | None = None
    full_lines: int = field(init=False)
    lines: int = field(init=False)
    overhead: float = field(init=False)
    whole: bool = field(init=False)  # False when even the full measure had to leave text out

    def __post_init__(self) -> None:
        bound = char_bound(self.make, self._text_width, MAX_TEXT_BUDGET)
        self.whole = len(self.text) <= bound
        self.text = self.text[:bound]
        paragraph = self.make(self.text, False)
        self.full_lines = line_count(paragraph, self._text_width)
        self.lines = max(min(self.full_lines, self.cap), min(self.floor, self.full_lines))
        self.overhead = flowables_height(self._wrapped([paragraph]), self.width) - self.full_lines * self.leading

    @property
    def _text_width(self) -> float:
        return self.inner_width if self.inner_width is not None else self.width

    def height(self) -> float:
        return self.overhead + self.lines * self.leading

    def can_shrink(self) -> bool:
        return self.lines > self.floor

    def shrink(self) -> None:
        self.lines -= 1

    def can_grow(self) -> bool:
        return self.lines < self.full_lines

    def grow(self) -> None:
        self.lines += 1

    def render(self) -> list[Flowable]:
        if self.whole and self.lines >= self.full_lines:
            return self._wrapped([self.make(self.text, False)])
        hint = len(self.text) * self.lines / max(self.full_lines, 1)
        return self._wrapped([cut_to(self.make, self.text, self._text_width, self.lines, hint)])

    def _wrapped(self, flowables: list[Flowable]) -> list[Flowable]:
        return flowables if self.wrapper is None else [self.wrapper(flowables)]


def cut_paragraph(
    make: Callable[[str, bool], Paragraph], text: str, width: float, lines: int
) -> tuple[Paragraph, bool]:
    """The whole text if it fits in `lines` lines, else the longest cut of it that does (binary search); and
    whether it was cut."""
    whole = make(text, False)
    full = line_count(whole, width)
    if full <= lines:
        return whole, False
    return cut_to(make, text, width, lines, len(text) * lines / full), True


def char_bound(make: Callable[[str, bool], Paragraph], width: float, lines: int) -> int:
    """More characters than `lines` lines can ever hold: measuring beyond this is wasted time."""
    size = float(make("", False).style.fontSize)
    return int((lines + 1) * width / (size * BOUND_EM))


def cut_to(make: Callable[[str, bool], Paragraph], text: str, width: float, lines: int, hint: float) -> Paragraph:
    """The longest cut of `text` (with the pointer) that fits in `lines` lines, found by binary search.

    Cuts fall only where a line may break (before a space, after an ideograph), which keeps the search to a few
    trial wraps; `hint` (the expected length, from the whole text's characters per line) narrows it further, and
    the full range is searched when the hint misses.
    """
    text = text[: char_bound(make, width, lines)]
    cuts = break_positions(text)
    hint -= len(make("", True).getPlainText()) - len(make("", False).getPlainText())  # the pointer's own length

    def fits(index: int) -> bool:
        return line_count(make(cut_text(text, cuts[index]), True), width) <= lines

    near = bisect.bisect_left(cuts, hint)
    low, high = max(near - 6, 0), min(near + 3, len(cuts) - 1)
    if low > 0 and not fits(low):
        low, high = 0, low - 1
    elif high < len(cuts) - 1 and fits(high):
        low, high = high, len(cuts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return make(cut_text(text, cuts[low]), True)


def break_positions(text: str) -> list[int]:
    """Lengths at which `text` may be cut: 0, before each space, after each wide (CJK) character."""
    cuts = [0]
    for index, char in enumerate(text):
        if char.isspace():
            if cuts[-1] != index:
                cuts.append(index)
        elif east_asian_width(char) in "WF":
            cuts.append(index + 1)
    if cuts[-1] != len(text):
        cuts.append(len(text))
    return cuts


def cut_text(text: str, length: int) -> str:
    """The first `length` characters without trailing spaces or punctuation that would clash with the ellipsis."""
    return text[:length].rstrip(" \n\t,;:.-–—")


def line_count(paragraph: Paragraph, width: float) -> int:
    paragraph.wrap(width, 1e6)
    return len(paragraph.blPara.lines)


@dataclass(slots=True)
class ListBlock:
    """Entries of a list (timeline, plan); shrinking drops entries.

    `select(count)` says which entries to show, in display order, with None where the pointer line goes;
    `pointer(left_out)` makes that line (or None when nothing needs pointing to).
    """

    entries: Sequence[Flowable]
    width: float
    cap: int
    floor: int
    select: Callable[[int], list[int | None]]
    pointer: Callable[[int], Flowable | None]
    weight: float = 1.0
    count: int = field(init=False)
    _heights: dict[int, float] = field(init=False, default_factory=dict)
    _pointer_heights: dict[int, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.count = min(len(self.entries), self.cap)

    def _entry_height(self, index: int) -> float:
        if index not in self._heights:  # measured lazily: 60 entries, of which a dozen are ever shown
            self._heights[index] = flowables_height([self.entries[index]], self.width)
        return self._heights[index]

    def _pointer_height(self, left_out: int) -> float:
        if left_out not in self._pointer_heights:
            pointer = self.pointer(left_out)
            self._pointer_heights[left_out] = 0.0 if pointer is None else flowables_height([pointer], self.width)
        return self._pointer_heights[left_out]

    def height(self) -> float:
        shown = sum(self._entry_height(i) for i in self.select(self.count) if i is not None)
        return shown + self._pointer_height(len(self.entries) - self.count)

    def can_shrink(self) -> bool:
        return self.count > min(self.floor, len(self.entries))

    def shrink(self) -> None:
        self.count -= 1

    def can_grow(self) -> bool:
        return self.count < len(self.entries)

    def grow(self) -> None:
        self.count += 1

    def render(self) -> list[Flowable]:
        pointer = self.pointer(len(self.entries) - self.count)
        shown = [self.entries[i] if i is not None else pointer for i in self.select(self.count)]
        if pointer is not None and None not in self.select(self.count):
            shown.append(pointer)
        return [f for f in shown if f is not None]


def fit_column(blocks: Sequence[Block], width: float, height: float) -> list[Flowable]:
    """The column's flowables, cut so that they fit `height` whenever the blocks' floors allow it."""
    first = blocks[0].render()[:1] if blocks else []
    # A table cell, like a frame, drops the first flowable's space before: the estimates may use it.
    budget = height + (first[0].getSpaceBefore() if first else 0.0)
    _shrink_to(blocks, budget)
    _grow_into(blocks, budget)
    for _ in range(12):  # estimates are exact up to rounding and the pointer line: a step or two at most
        flowables = [f for block in blocks for f in block.render()]
        if cell_height(flowables, width) <= height or not _shrink_tallest(blocks):
            return flowables
    return flowables


def cell_height(flowables: Sequence[Flowable], width: float) -> float:
    """The height a table cell gives these flowables: it drops the first space before and the last space after."""
    if not flowables:
        return 0.0
    return flowables_height(flowables, width) - flowables[0].getSpaceBefore() - flowables[-1].getSpaceAfter()


def _total(blocks: Sequence[Block]) -> float:
    return sum(block.height() for block in blocks)


def _shrink_to(blocks: Sequence[Block], height: float) -> None:
    while _total(blocks) > height and _shrink_tallest(blocks):
        pass


def _shrink_tallest(blocks: Sequence[Block]) -> bool:
    candidates = [(block.height() / block.weight, index) for index, block in enumerate(blocks) if block.can_shrink()]
    if not candidates:
        return False
    blocks[max(candidates)[1]].shrink()  # ties go to the block lower down the column: the top matters most
    return True


def _grow_into(blocks: Sequence[Block], height: float) -> None:
    grown = True
    while grown:  # round-robin in section order, one step each, undoing a step that would overflow
        grown = False
        for block in blocks:
            if not block.can_grow():
                continue
            block.grow()
            if _total(blocks) > height:
                block.shrink()
            else:
                grown = True
