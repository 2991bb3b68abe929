"""A page as a person sees it: lines of cells where they stand, so that a label finds
its value to its right or under it, in another text run, column or table row.

The page text comes from pypdf's layout mode (or OCR, set out the same way): a
fixed-width grid in which two or more spaces separate cells."""

import re
from dataclasses import dataclass

GAP = re.compile(r"\S(?:.*?\S)?(?=\s{2,}|\s*$)")
BELOW = 3  # lines down a value may stand under its label (blank lines dropped)


@dataclass(frozen=True)
class Cell:
    row: int  # index among the non-blank lines
    start: int
    end: int
    text: str

    def overlaps(self, other: "Cell", slack: int = 3) -> bool:
        # Some slack: a right-aligned head over a left-aligned value.
        return self.start < other.end + slack and other.start < self.end + slack

    def centre(self) -> float:
        return (self.start + self.end) / 2


class Grid:
    """The page's non-blank lines, each cut into cells at runs of two spaces."""

    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        self.rows = [
            [Cell(i, m.start(), m.end(), m.group()) for m in GAP.finditer(line)]
            for i, line in enumerate(self.lines)
        ]

    def cells(self):
        for row in self.rows:
            yield from row

    def right_of(self, cell: Cell) -> list[Cell]:
        """The cells after this one on its line, nearest first."""
        return [c for c in self.rows[cell.row] if c.start >= cell.end]

    def below(self, cell: Cell) -> list[Cell]:
        """The cells under this one (overlapping it), nearest line first."""
        out = []
        for row in self.rows[cell.row + 1 : cell.row + 1 + BELOW]:
            under = [c for c in row if c.overlaps(cell)]
            if under:
                out.append(min(under, key=lambda c: abs(c.start - cell.start)))
        return out

    def column_below(self, cell: Cell) -> list[Cell]:
        """The cells of a table column under its head, down to the first line that
        has nothing in that column."""
        out = []
        for row in self.rows[cell.row + 1 :]:
            under = [c for c in row if c.overlaps(cell, slack=8)]
            if not under:
                break
            out.append(min(under, key=lambda c: abs(c.centre() - cell.centre())))
        return out

    def above(self, cell: Cell) -> list[Cell]:
        """The cell just over this one, if the line above has one in its column."""
        if cell.row == 0:
            return []
        return [c for c in self.rows[cell.row - 1] if c.overlaps(cell)][:1]

    def header_above(self, cell: Cell) -> str:
        """The text of the column heads over this cell (for a number in a table)."""
        heads = []
        for row in reversed(self.rows[max(0, cell.row - 6) : cell.row]):
            heads += [c.text for c in row if c.overlaps(cell) and not _numeric(c.text)]
            if heads:
                break
        return " ".join(heads)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-−()\d\s.,'’%€$£₹A-Z]*", text)) and any(
        ch.isdigit() for ch in text
    )
