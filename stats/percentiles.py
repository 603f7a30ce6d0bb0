"""PostgreSQL's ordered-set aggregates, for medians and percentiles computed by the database."""

from __future__ import annotations

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
