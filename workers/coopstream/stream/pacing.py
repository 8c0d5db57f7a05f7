"""Batch sizes from measured per-record time, so that no batch outlives ``max.poll.interval.ms``.

The budget of one batch is half the smaller of ``max_poll_interval_ms`` and the health
staleness bound. The next poll asks for as many records as the measured time per record
(a moving average) fits into half that budget; the batch runner also stops at the budget's
end and hands the rest back (seeks to it), so even a sudden slowdown stays inside the bound.
"""

from __future__ import annotations


class Pacer:
    def __init__(self, max_records: int, budget_s: float, alpha: float = 0.3) -> None:
        if max_records < 1 or budget_s <= 0:
            raise ValueError("max_records and budget_s must be positive")
        self.max_records = max_records
        self.budget_s = budget_s
        self._alpha = alpha
        self.per_record_s: float | None = None

    @classmethod
    def for_settings(cls, batch_size: int, max_poll_interval_ms: int, stale_after_s: float) -> Pacer:
        return cls(batch_size, 0.5 * min(max_poll_interval_ms / 1000, stale_after_s))

    def size(self) -> int:
        """Records to ask for in the next poll."""
        if self.per_record_s is None or self.per_record_s <= 0:
            return self.max_records
        fits = int(0.5 * self.budget_s / self.per_record_s)
        return max(1, min(self.max_records, fits))

    def observe(self, records: int, seconds: float) -> None:
        """A batch of ``records`` took ``seconds`` from the first record to the commit."""
        if records <= 0:
            return
        sample = max(seconds, 0.0) / records
        if self.per_record_s is None:
            self.per_record_s = sample
        else:
            self.per_record_s = self._alpha * sample + (1 - self._alpha) * self.per_record_s
