"""F2.7: the warning level of a major service-quality event, computed from its figures.

Any one criterion suffices and the highest level met wins. Pure functions, so
the table-driven test can walk every boundary.
"""

from dataclasses import dataclass

from .models import LEVEL_RANK, NETWORK_OR_SUPPORT, HqLevel, Publicity, WarningLevel

RED, ORANGE, YELLOW, NONE = WarningLevel.RED, WarningLevel.ORANGE, WarningLevel.YELLOW, WarningLevel.NONE


@dataclass(frozen=True)
class Figures:
    category: str
    cities: int = 0
    customers: int = 0
    complaints_per_day: int = 0
    escalated_per_day: int = 0
    escalated_per_week: int = 0
    hq_level: str = ""
    publicity: str = ""


def _by_cities(n: int) -> str:
    return RED if n >= 5 else ORANGE if n >= 3 else YELLOW if n >= 1 else NONE


def _by_customers(n: int, network_or_support: bool) -> str:
    red, orange, yellow = (50_000, 20_000, 5_000) if network_or_support else (5_000, 2_000, 1_000)
    return RED if n > red else ORANGE if n > orange else YELLOW if n > yellow else NONE


def _by_complaints(per_day: int, escalated_day: int, escalated_week: int) -> str:
    if per_day > 500 or escalated_day >= 20:
        return RED
    if per_day > 300 or escalated_day >= 10:
        return ORANGE
    if per_day > 100 or escalated_week > 5:
        return YELLOW
    return NONE


_HQ: dict[str, WarningLevel] = {HqLevel.LEVEL1: RED, HqLevel.LEVEL2: ORANGE, HqLevel.SENSITIVE: YELLOW}
_PUBLICITY: dict[str, WarningLevel] = {Publicity.NATIONAL: RED, Publicity.RECURRING: ORANGE, Publicity.MAY_DRAW: YELLOW}


def highest(*levels: str) -> str:
    return max(levels, key=lambda level: LEVEL_RANK[WarningLevel(level)], default=NONE)


def warning_level(f: Figures) -> str:
    """The F2.7 level met by ``f`` ('' when none)."""
    return highest(
        _by_cities(f.cities),
        _by_customers(f.customers, f.category in NETWORK_OR_SUPPORT),
        _by_complaints(f.complaints_per_day, f.escalated_per_day, f.escalated_per_week),
        _HQ.get(f.hq_level, NONE),
        _PUBLICITY.get(f.publicity, NONE),
    )


def complaints_level(per_day: int, escalated_day: int, escalated_week: int) -> str:
    """The level the complaint counts alone reach (F2.9 → F2.7)."""
    return _by_complaints(per_day, escalated_day, escalated_week)


def figures_of(event) -> Figures:
    return Figures(
        category=event.category,
        cities=event.cities,
        customers=event.customers,
        complaints_per_day=event.complaints_per_day,
        escalated_per_day=event.escalated_per_day,
        escalated_per_week=event.escalated_per_week,
        hq_level=event.hq_level,
        publicity=event.publicity,
    )
