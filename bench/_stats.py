"""Shared by the bench scripts (run as ``python bench/<name>.py``, so this
folder is on ``sys.path``)."""


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile by the nearest rank (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
