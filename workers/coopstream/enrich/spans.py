"""Questions about sets of spans, each answered in logarithmic or constant time (long articles hold
hundreds of thousands of matches: no pass may compare every span with every other)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class Reach:
    """For a fixed set of spans: whether one of them contains a given span."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []
        best = -1
        for _, e in spans:
            best = max(best, e)
            self.reach.append(best)

    def _at(self, pos: int) -> int:
        i = bisect_right(self.starts, pos) - 1
        return self.reach[i] if i >= 0 else -1

    def contains(self, start: int, end: int) -> bool:
        """Whether a span of the set contains [start, end) (an equal span counts)."""
        return self._at(start) >= end

    def contains_longer(self, start: int, end: int) -> bool:
        """Whether a strictly longer span of the set contains [start, end)."""
        return self._at(start) > end or self._at(start - 1) >= end


class Union:
    """A growing union of spans, kept as sorted disjoint intervals."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return True
        j = bisect_left(self.starts, start)
        return j < len(self.starts) and self.starts[j] < end

    def add(self, start: int, end: int) -> None:
        lo = bisect_left(self.ends, start)  # first interval that ends at or after start
        hi = bisect_right(self.starts, end)  # intervals starting at or before end
        if lo < hi:
            start = min(start, self.starts[lo])
            end = max(end, self.ends[hi - 1])
            del self.starts[lo:hi]
            del self.ends[lo:hi]
        self.starts.insert(lo, start)
        self.ends.insert(lo, end)


class Mask:
    """Which characters of ``[base, base + size)`` some spans cover: constant-time questions about a span."""

    def __init__(self, size: int, spans: list[tuple[int, int]] | None = None, base: int = 0) -> None:
        self.base = base
        self.bits = bytearray(size + 1)
        for a, b in spans or []:
            self.add(a, b)

    def add(self, a: int, b: int) -> None:
        a, b = max(a - self.base, 0), min(b - self.base, len(self.bits))
        if b > a:
            self.bits[a:b] = b"\x01" * (b - a)

    def covers(self, a: int, b: int) -> bool:
        return b > a and self.bits.find(0, a - self.base, b - self.base) == -1

    def touches(self, a: int, b: int) -> bool:
        return self.bits.find(1, max(a - self.base, 0), max(b - self.base, 0)) != -1
