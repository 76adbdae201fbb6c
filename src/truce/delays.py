"""Delays: distributions of the number of days until something happens, drawn by their
inverse distribution function from one uniform number (see :class:`Delay`).

They are what :mod:`truce.assumptions` states per obligation, fact and hazard.

>>> delay = Delay.triangular(10, 20, 60)
>>> delay.describe()
'triangular(10, 20, 60) days'
>>> delay.days(0.5) > 20
True
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Iterable

import attrs

from truce.errors import AssumptionError, Problem

__all__ = ["Delay", "DelayKind"]

_NORMAL = statistics.NormalDist()
#: The least uniform draw used: the inverse normal is infinite at 0.
_TINY = 2.0**-53


class DelayKind(enum.StrEnum):
    """The shapes a delay (in days) may take."""

    FIXED = "fixed"
    UNIFORM = "uniform"
    TRIANGULAR = "triangular"
    LOGNORMAL = "lognormal"
    EMPIRICAL = "empirical"
    DAILY = "daily"
    NEVER = "never"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


@attrs.frozen
class Delay:
    """A distribution of the number of days until something happens.

    Every kind is drawn by its inverse distribution function from one uniform number, so a
    scenario uses the same random numbers whatever the kinds (runs stay comparable when one
    assumption changes), and a later distribution gives a later day for every draw.

    ``daily(p)`` is a hazard: each day it happens with probability ``p`` (the day of the
    first success, at least 1; ``p = 0`` never happens). ``never()`` never happens.
    Build one with the class methods; they check their arguments.

    >>> Delay.fixed(5).days(0.99), Delay.uniform(0, 10).days(0.25), Delay.never().days(0.5)
    (5.0, 2.5, None)
    >>> Delay.uniform(5, 1)
    Traceback (most recent call last):
    truce.AssumptionError: delay: uniform(5, 1) days: the low end is above the high end
    """

    kind: DelayKind = attrs.field(converter=DelayKind)
    params: tuple[float, ...] = attrs.field(converter=_floats)

    def __attrs_post_init__(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise AssumptionError([Problem(problem, field="delay")])

    # --- construction -------------------------------------------------------------

    @classmethod
    def fixed(cls, days: float) -> Delay:
        return cls(DelayKind.FIXED, (days,))

    @classmethod
    def uniform(cls, low: float, high: float) -> Delay:
        return cls(DelayKind.UNIFORM, (low, high))

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Delay:
        return cls(DelayKind.TRIANGULAR, (low, mode, high))

    @classmethod
    def lognormal(cls, median: float, sigma: float) -> Delay:
        """Days whose logarithm is normal: ``median`` days, spread ``sigma`` (of the log)."""
        return cls(DelayKind.LOGNORMAL, (median, sigma))

    @classmethod
    def empirical(cls, days: list[float] | tuple[float, ...]) -> Delay:
        """Each of ``days`` equally likely (past delays of the same kind, say); kept sorted."""
        return cls(DelayKind.EMPIRICAL, sorted(days) if all(map(_number, days)) else days)

    @classmethod
    def daily(cls, probability: float) -> Delay:
        return cls(DelayKind.DAILY, (probability,))

    @classmethod
    def never(cls) -> Delay:
        return cls(DelayKind.NEVER, ())

    def problem(self) -> str | None:
        """What is wrong with the parameters, in words (None when they are good)."""
        kind, params = self.kind, self.params
        arity = {
            DelayKind.FIXED: 1,
            DelayKind.UNIFORM: 2,
            DelayKind.TRIANGULAR: 3,
            DelayKind.LOGNORMAL: 2,
            DelayKind.DAILY: 1,
            DelayKind.NEVER: 0,
        }
        if kind in arity and len(params) != arity[kind]:
            return f"{kind} takes {arity[kind]} number{'s' if arity[kind] != 1 else ''}, got {len(params)}"
        if kind is DelayKind.EMPIRICAL and not params:
            return "empirical needs at least one delay"
        if not all(map(_number, params)):
            return f"{self.describe()}: every parameter must be a finite number"
        if kind is DelayKind.DAILY:
            if not 0 <= params[0] <= 1:
                return f"daily probability {params[0]:g} is outside [0, 1]"
            return None
        if kind is DelayKind.LOGNORMAL:
            median, sigma = params
            if median <= 0:
                return f"{self.describe()}: the median must be a positive number of days"
            if sigma < 0:
                return f"{self.describe()}: sigma must not be negative"
            return None
        if any(p < 0 for p in params):
            return f"{self.describe()}: a delay cannot be negative"
        if kind is DelayKind.UNIFORM and params[0] > params[1]:
            return f"{self.describe()}: the low end is above the high end"
        if kind is DelayKind.TRIANGULAR and not params[0] <= params[1] <= params[2]:
            return f"{self.describe()}: needs low <= mode <= high"
        return None

    # --- drawing ------------------------------------------------------------------

    def days(self, u: float) -> float | None:
        """The delay at quantile ``u`` in [0, 1), in days (None: it never happens).

        Monotone in ``u``: this is how a scenario draws, one uniform number per assumption.
        """
        kind, params = self.kind, self.params
        if kind is DelayKind.FIXED:
            return float(params[0])
        if kind is DelayKind.UNIFORM:
            return params[0] + u * (params[1] - params[0])
        if kind is DelayKind.TRIANGULAR:
            low, mode, high = params
            if high == low:
                return float(low)
            split = (mode - low) / (high - low)
            if u < split:
                return low + math.sqrt(u * (high - low) * (mode - low))
            return high - math.sqrt((1 - u) * (high - low) * (high - mode))
        if kind is DelayKind.LOGNORMAL:
            return params[0] * math.exp(params[1] * _NORMAL.inv_cdf(min(max(u, _TINY), 1 - _TINY)))
        if kind is DelayKind.EMPIRICAL:
            return float(params[min(int(u * len(params)), len(params) - 1)])
        if kind is DelayKind.DAILY:
            p = params[0]
            if p <= 0:
                return None
            if p >= 1:
                return 1.0
            # the first day with a success, as a continuous time within that day
            return math.log1p(-u) / math.log1p(-p) + 1
        return None

    def describe(self) -> str:
        numbers = ", ".join(f"{p:g}" if _number(p) else repr(p) for p in self.params)
        if self.kind is DelayKind.NEVER:
            return "never"
        if self.kind is DelayKind.FIXED and _number(self.params[0] if self.params else None):
            return f"{self.params[0]:g} days"
        if self.kind is DelayKind.DAILY:
            return f"daily probability {numbers}"
        if self.kind is DelayKind.LOGNORMAL and len(self.params) == 2:
            return f"lognormal(median {numbers.replace(', ', ' days, sigma ', 1)})"
        return f"{self.kind}({numbers}) days"

    def to_data(self) -> object:
        if self.kind is DelayKind.NEVER:
            return "never"
        if self.kind is DelayKind.FIXED:
            return self.params[0]
        if self.kind is DelayKind.LOGNORMAL:
            return {"lognormal": {"median": self.params[0], "sigma": self.params[1]}}
        if self.kind is DelayKind.DAILY:
            return {"daily": self.params[0]}
        return {str(self.kind): list(self.params)}
