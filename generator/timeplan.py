"""Exact integer splits and calendar patterns (winter peak, weekdays, hours, Paris DST)."""

from __future__ import annotations

import calendar

import numpy as np

# Emergency arrivals by hour of day (relative): low at night, peaks late morning and evening.
ED_HOURS = np.array(
    [2.0, 1.6, 1.3, 1.1, 1.0, 1.0, 1.3, 2.2, 3.8, 5.3, 5.9, 5.6,
     5.0, 5.0, 5.4, 5.4, 5.3, 5.3, 5.5, 5.4, 4.6, 3.9, 3.2, 2.5]
)
# Monday busiest, Saturday quietest (public ED activity profile).
ED_WEEKDAYS = np.array([1.12, 1.01, 0.98, 0.97, 1.0, 0.93, 0.99])
OFFICE_HOURS = np.array([0] * 8 + [4, 6, 6, 5, 2, 3, 5, 6, 6, 5, 4, 2] + [0] * 4, dtype=float)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder, exact sum)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(weights.shape, dtype=np.int64)
    raw = weights.ravel() / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base.reshape(weights.shape)


def month_days(year: int, month: int) -> np.ndarray:
    first = np.datetime64(f"{year}-{month:02d}-01")
    return first + np.arange(calendar.monthrange(year, month)[1])


def day_weights(days: np.ndarray, amplitude: float = 0.12) -> np.ndarray:
    """Winter peak (mid-January) times the weekday profile."""
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    season = 1 + amplitude * np.cos(2 * np.pi * (doy - 15) / 365.25)
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    return season * ED_WEEKDAYS[weekday]


def month_weights(year: int, months: list[int], amplitude: float = 0.12) -> np.ndarray:
    return np.array([day_weights(month_days(year, m), amplitude).sum() for m in months])


def draw_instants(
    rng: np.random.Generator, year: int, month: int, n: int, hours: np.ndarray = ED_HOURS
) -> np.ndarray:
    """`n` local instants (datetime64[s]) in a month, following day and hour profiles."""
    days = month_days(year, month)
    w = day_weights(days)
    day = days[rng.choice(len(days), size=n, p=w / w.sum())]
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    seconds = rng.integers(0, 3600, size=n)
    instants = day.astype("datetime64[s]") + (hour * 3600 + seconds).astype("timedelta64[s]")
    return skip_dst_gap(instants)


def _last_sunday(year: int, month: int) -> np.datetime64:
    last = calendar.monthrange(year, month)[1]
    day = last - (calendar.weekday(year, month, last) + 1) % 7
    return np.datetime64(f"{year}-{month:02d}-{day:02d}")


def skip_dst_gap(instants: np.ndarray) -> np.ndarray:
    """Move local times that do not exist (spring-forward hour) one hour later."""
    out = instants.copy()
    years = instants.astype("datetime64[Y]").astype(int) + 1970
    for year in np.unique(years):
        start = _last_sunday(int(year), 3).astype("datetime64[s]") + np.timedelta64(7200, "s")
        gap = (out >= start) & (out < start + np.timedelta64(3600, "s"))
        out[gap] += np.timedelta64(3600, "s")
    return out


def paris_offsets(instants: np.ndarray) -> np.ndarray:
    """UTC offset strings of Europe/Paris local instants (ambiguous hour read as summer)."""
    years = instants.astype("datetime64[Y]").astype(int) + 1970
    summer = np.zeros(len(instants), dtype=bool)
    for year in np.unique(years):
        start = _last_sunday(int(year), 3).astype("datetime64[s]") + np.timedelta64(10800, "s")
        end = _last_sunday(int(year), 10).astype("datetime64[s]") + np.timedelta64(10800, "s")
        mask = years == year
        summer[mask] = (instants[mask] >= start) & (instants[mask] < end)
    return np.where(summer, "+02:00", "+01:00")
