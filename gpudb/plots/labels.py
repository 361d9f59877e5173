"""Point labels that do not overlap: a deterministic placement pass in pixels on a nominal plot area.

Each label is a box of estimated size (characters × an average glyph width, lines × a line height). The labels are
placed one by one, sorted by x then y, at the first of a fixed list of spots around their point (above, below,
right, left, then further out in eight directions) whose box overlaps no label placed before it, no point marker
and no fixed obstacle (a region's label), and stays inside the plot area. A label moved away from its point is
drawn with a thin leader line to it. The same data and plot size always give the same placement.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

FONT_SIZE = 10
CHAR_WIDTH = 0.62 * FONT_SIZE  # a generous average glyph width of DejaVu Sans / Arial at FONT_SIZE px
LINE_HEIGHT = 1.35 * FONT_SIZE
PAD = 2.0  # pixels around each text box
MARKER = 8.0  # half the side of the box kept clear around each point (markers are 12 px across)
GAP = 3.0  # between a point's marker and its label when the label sits beside it
WRAP = 34  # characters per line of a label naming several chips at one spot
RADII = (0, 24, 44, 66, 90, 120, 155, 195)  # how far out the spots beyond the first ring lie, in pixels
DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels, y growing downwards: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


def wrap(names: Sequence[str]) -> str:
    """Several chips' names at one spot, ' / '-separated, broken into lines of about WRAP characters with <br>."""
    text = " / ".join(names)
    return "<br>".join(textwrap.wrap(text, WRAP, break_on_hyphens=False)) if len(text) > WRAP else text


def text_size(text: str, font_size: float = FONT_SIZE) -> tuple[float, float]:
    """(width, height) in pixels of a label's text ('<br>' breaks lines), estimated generously."""
    lines = text.split("<br>")
    scale = font_size / FONT_SIZE
    width = max(len(line) for line in lines) * CHAR_WIDTH * scale
    return width + 2 * PAD, len(lines) * LINE_HEIGHT * scale + 2 * PAD


def box_at(cx: float, cy: float, size: tuple[float, float]) -> Box:
    width, height = size
    return Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def marker_box(px: float, py: float) -> Box:
    return Box(px - MARKER, py - MARKER, px + MARKER, py + MARKER)


def _spots(size: tuple[float, float]) -> list[tuple[float, float]]:
    """Offsets (dx, dy) of a label's centre from its point, in the order they are tried."""
    width, height = size
    beside_x, beside_y = width / 2 + MARKER + GAP, height / 2 + MARKER + GAP
    spots = []
    for radius in RADII:
        for ux, uy in DIRECTIONS:
            spots.append((ux * (beside_x + radius), uy * (beside_y + radius)))
    return spots


class _Grid:
    """Boxes filed by the CELL-pixel squares they cover, so that whether a box overlaps any of them is asked of
    its neighbours only (the same answer as asking every box: two boxes that overlap share a square); asking all
    of them made placing n labels n² (24 million tests at 1,000 chips)."""

    CELL = 64.0

    def __init__(self, boxes: Sequence[Box] = ()) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
        for box in boxes:
            self.add(box)

    def _squares(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box.left / self.CELL), math.floor(box.right / self.CELL) + 1):
            for j in range(math.floor(box.top / self.CELL), math.floor(box.bottom / self.CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        edges = (box.left, box.top, box.right, box.bottom)
        for square in self._squares(box):
            self.cells.setdefault(square, []).append(edges)

    def hits(self, box: Box) -> bool:
        """Box.overlaps against each box filed in the squares `box` covers, written out (at 10,000 chips the
        plot is crowded and this runs some 60 million times)."""
        left, top, right, bottom = box.left, box.top, box.right, box.bottom
        for square in self._squares(box):
            for other_left, other_top, other_right, other_bottom in self.cells.get(square, ()):
                if left < other_right and other_left < right and top < other_bottom and other_top < bottom:
                    return True
        return False


def place(
    points: Sequence[tuple[float, float]],
    texts: Sequence[str],
    width: float,
    height: float,
    obstacles: Sequence[Box] = (),
) -> list[tuple[float, float]]:
    """Each label's centre offset (dx, dy) in pixels from its point (points in pixels, y downwards), so that no
    two labels, no label and marker, no label and obstacle overlap; a label with no free spot takes the last
    one tried that stays inside the plot (this does not happen on the real data: tests/test_plots.py checks)."""
    markers = _Grid([marker_box(px, py) for px, py in points])
    taken = _Grid(obstacles)
    offsets: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1], texts[i]))
    for index in order:
        if not texts[index]:
            continue
        px, py = points[index]
        size = text_size(texts[index])
        chosen = None
        fallback = None
        for dx, dy in _spots(size):
            box = box_at(px + dx, py + dy, size)
            if not box.inside(width, height):
                continue
            fallback = fallback or (dx, dy)
            if taken.hits(box) or markers.hits(box):
                continue
            chosen = (dx, dy)
            break
        offsets[index] = chosen or fallback or _spots(size)[0]
        taken.add(box_at(px + offsets[index][0], py + offsets[index][1], size))
    return offsets


def to_pixels(
    x: float, y: float, x_range: tuple[float, float], y_range: tuple[float, float], width: float, height: float
) -> tuple[float, float]:
    """A point on a log x axis (range in log10, as plotly gives it) and a linear y axis, in plot-area pixels."""
    px = (math.log10(x) - x_range[0]) / (x_range[1] - x_range[0]) * width
    py = (1 - (y - y_range[0]) / (y_range[1] - y_range[0])) * height
    return px, py


def add_labels(figure: go.Figure, xs: Sequence[float], ys: Sequence[float], texts: Sequence[str], offsets) -> None:
    """The labels as annotations named 'label' at their points, the text `offsets` pixels away (ax, ay); one moved
    away from its point has a thin grey leader line to it. They are added at once: add_annotation validates every
    annotation already there again, so adding n labels one by one cost n² (most of `gpudb site` at 1,000 chips)."""
    labels = []
    for x, y, text, (dx, dy) in zip(xs, ys, texts, offsets, strict=True):
        if not text:
            continue
        size = text_size(text)
        near = abs(dx) <= size[0] / 2 + MARKER + GAP + 1 and abs(dy) <= size[1] / 2 + MARKER + GAP + 1
        annotation = go.layout.Annotation(
            x=math.log10(x),  # an annotation on a log axis is placed in log10
            y=y,
            text=text,
            ax=dx,
            ay=dy,
            axref="pixel",
            ayref="pixel",
            xanchor="center",
            yanchor="middle",
            showarrow=True,
            arrowhead=0,
            arrowwidth=0.8,
            arrowcolor="rgba(0,0,0,0)" if near else "#888",
            standoff=MARKER - 2,
            font={"size": FONT_SIZE},
            align="center",
            name="label",
        )
        labels.append(annotation)
    figure.layout.annotations = (*figure.layout.annotations, *labels)
