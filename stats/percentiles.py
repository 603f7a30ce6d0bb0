"""Medians and nearest-rank 90th percentiles: in Python, from a histogram (the roll-ups'),
and PostgreSQL's ordered-set aggregates computing the same in the database."""

from __future__ import annotations

import math
import statistics
from typing import Any

from django.db.models import Aggregate, FloatField, IntegerField, Value


class _Percentile(Aggregate):
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=Value(percentile).value, **extra)


class PercentileCont(_Percentile):
    """Interpolated: for 0.5, the mean of the two middle values of an even count."""

    function = "percentile_cont"
    output_field = FloatField()


class PercentileDisc(_Percentile):
    """The first value whose cumulative share reaches the fraction: the nearest rank."""

    function = "percentile_disc"
    output_field = IntegerField()


def median(values: list[int]) -> float | int | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    return _number(statistics.median(values))


def _number(value: float | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def percentile_90(values: list[int]) -> int | None:
    """Nearest-rank 90th percentile: the smallest value at least 90 % of the tickets reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _nth(histogram: dict[int, int], index: int) -> int:
    """The ``index``-th (from 0) of the values a ``{value: count}`` histogram holds, in order."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def histogram_median_and_p90(histogram: dict[int, int]) -> tuple[Any, Any]:
    """``median`` and ``percentile_90`` of the values a ``{value: count}`` histogram holds."""
    n = sum(histogram.values())
    if not n:
        return None, None
    low = _nth(histogram, n // 2 - 1 if n % 2 == 0 else n // 2)
    middle = _number((low + _nth(histogram, n // 2)) / 2)
    return middle, _nth(histogram, math.ceil(0.9 * n) - 1)
