"""One PDF page into blocks in reading order: text lines and ruled tables.

A table is a cluster of ruling lines; its rows are the bands between horizontal rules and its
cells the spans between the vertical rules present in each band (a merged cell simply has fewer
boundaries). Text is grouped into lines by baseline; a smaller character raised above a baseline
is a footnote marker and is kept as a Unicode superscript ("acciones³"), the way the text
versions of the documents carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .chars import Char, Page, Rule

SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
TOLERANCE = 1.0  # pt: rules and baselines closer than this are the same


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    y: float
    size: float
    mono: bool
    first_word: float = 0.0  # width of the first word (to tell a wrapped line from a short one)
    advance: float = 0.0  # character width of a monospaced line


@dataclass
class TableBlock:
    top: float
    bottom: float
    columns: list[float]  # x of the vertical rules
    rows: list[list[str]] = field(default_factory=list)


Block = Line | TableBlock


def page_blocks(page: Page) -> list[Block]:
    tables = _tables(page.rules)
    free: list[Char] = []
    for ch in page.chars:
        cx = (ch.x0 + ch.x1) / 2
        cy = ch.y + ch.size * 0.3
        for grid, _table in tables:
            if grid.place(ch, cx, cy):
                break
        else:
            free.append(ch)
    blocks: list[Block] = [table.fill() for _, table in tables]
    blocks += lines_of(free)
    blocks.sort(key=lambda b: -(b.top if isinstance(b, TableBlock) else b.y + b.size))
    return [b for b in blocks if not (isinstance(b, TableBlock) and not b.rows)]


def lines_of(chars: list[Char]) -> list[Line]:
    """Characters into lines, top to bottom; raised small characters join the line below them."""
    groups: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: -c.y):
        if groups and abs(groups[-1][0].y - ch.y) <= TOLERANCE:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    merged: list[list[Char]] = []
    supers: set[int] = set()
    for i, group in enumerate(groups):
        size = max(c.size for c in group)
        below = next((g for g in groups[i + 1:i + 3] if 0 < group[0].y - g[0].y <= 0.6 * max(c.size for c in g)
                      and size < 0.8 * max(c.size for c in g) and _overlaps(group, g)), None)
        if below is not None:
            below.extend(group)
            supers.update(id(c) for c in group)
        else:
            merged.append(group)
    return [_line(group, supers) for group in merged if any(c.text.strip() for c in group)]


def _overlaps(a: list[Char], b: list[Char]) -> bool:
    return min(c.x0 for c in a) <= max(c.x1 for c in b) + 2 and max(c.x1 for c in a) >= min(c.x0 for c in b) - 2


def _line(group: list[Char], supers: set[int]) -> Line:
    group.sort(key=lambda c: c.x0)
    base = [c for c in group if id(c) not in supers]
    size = max(c.size for c in base)
    parts: list[str] = []
    prev: Char | None = None
    mono = all(c.mono for c in group)
    advance = sorted(c.x1 - c.x0 for c in group)[len(group) // 2] if mono else 0.0
    for ch in group:
        if prev is not None and mono and advance > 0:
            parts.append(" " * max(0, round((ch.x0 - prev.x1) / advance)))  # layout text: spaces by position
        elif prev is not None and ch.text != " " and prev.text != " " and ch.x0 - prev.x1 > 0.2 * size:
            parts.append(" ")
        parts.append(ch.text.translate(SUPER) if id(ch) in supers else ch.text)
        prev = ch
    text = "".join(parts).rstrip()
    visible = [c for c in group if c.text.strip()]
    first_end = next((c.x1 for c, n in zip(visible, [*visible[1:], None], strict=False)
                      if n is None or n.x0 - c.x1 > 0.2 * size or n.text == " "), visible[-1].x1)
    space_after = next((c for c in group if c.text == " "), None)
    first_end = min(first_end, space_after.x0) if space_after else first_end
    if mono:
        text = text.lstrip()  # leading spaces are put back from the position (reader.py)
    return Line(text, visible[0].x0, visible[-1].x1, base[0].y, size, all(c.mono for c in visible),
                first_end - visible[0].x0, advance)


class _Grid:
    def __init__(self, xs: list[float], ys: list[float], verticals: list[Rule]) -> None:
        self.xs, self.ys = xs, ys  # ys top to bottom
        self.bands: list[list[float]] = []
        for top, bottom in zip(ys, ys[1:], strict=False):
            mid = (top + bottom) / 2
            self.bands.append([x for x in xs if any(abs((v.x0 + v.x1) / 2 - x) <= TOLERANCE and v.y0 - TOLERANCE <= mid
                                                   <= v.y1 + TOLERANCE for v in verticals)])
        self.cells: list[list[list[Char]]] = [[[] for _ in range(max(len(b) - 1, 0))] for b in self.bands]

    def place(self, ch: Char, cx: float, cy: float) -> bool:
        if not (self.ys[-1] <= cy <= self.ys[0] and self.xs[0] <= cx <= self.xs[-1]):
            return False
        for row, (top, bottom) in enumerate(zip(self.ys, self.ys[1:], strict=False)):
            if bottom <= cy <= top:
                bounds = self.bands[row]
                for col, (left, right) in enumerate(zip(bounds, bounds[1:], strict=False)):
                    if left <= cx <= right:
                        self.cells[row][col].append(ch)
                        return True
        return True  # inside the table frame but on no cell: ruling noise, not text


class _Table:
    def __init__(self, grid: _Grid) -> None:
        self.grid = grid

    def fill(self) -> TableBlock:
        block = TableBlock(self.grid.ys[0], self.grid.ys[-1], self.grid.xs)
        for cells in self.grid.cells:
            if not cells:
                continue
            block.rows.append([" ".join(line.text.strip() for line in lines_of(c)) for c in cells])
        return block


def _tables(rules: list[Rule]) -> list[tuple[_Grid, _Table]]:
    """Clusters of crossing ruling lines with at least two rules in each direction."""
    clusters: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: (-r.y1, r.x0)):
        hit = [c for c in clusters if any(_touch(rule, r) for r in c)]
        for c in hit[1:]:
            hit[0].extend(c)
            clusters.remove(c)
        if hit:
            hit[0].append(rule)
        else:
            clusters.append([rule])
    out = []
    for cluster in clusters:
        horizontals = [r for r in cluster if r.horizontal]
        verticals = [r for r in cluster if r.vertical]
        if len(horizontals) < 2 or len(verticals) < 2:
            continue
        ys = _unique([(r.y0 + r.y1) / 2 for r in horizontals], reverse=True)
        xs = _unique([(r.x0 + r.x1) / 2 for r in verticals])
        grid = _Grid(xs, ys, verticals)
        out.append((grid, _Table(grid)))
    return out


def _touch(a: Rule, b: Rule) -> bool:
    return (a.x0 - TOLERANCE <= b.x1 and b.x0 - TOLERANCE <= a.x1 and a.y0 - TOLERANCE <= b.y1
            and b.y0 - TOLERANCE <= a.y1)


def _unique(values: list[float], reverse: bool = False) -> list[float]:
    out: list[float] = []
    for v in sorted(values, reverse=reverse):
        if not out or abs(out[-1] - v) > TOLERANCE:
            out.append(v)
    return out
