"""Time arithmetic for the generator: epoch seconds, working hours, skewed durations.

The generator works in integer epoch seconds (cheap to add and compare) and converts to aware datetimes
only when it builds the final records.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from itertools import accumulate

HOUR = 3600
DAY = 86400

# Relative chance of starting work in each local hour: a working day with a lunch dip and some evenings.
# fmt: off
_HOUR_WEIGHTS = (
    0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.15, 0.5, 1.0, 1.4, 1.4,
    0.7, 1.0, 1.4, 1.4, 1.2, 0.8, 0.45, 0.3, 0.25, 0.2, 0.12, 0.05,
)
# fmt: on
_HOUR_CUM_WEIGHTS = tuple(accumulate(_HOUR_WEIGHTS))
_HOURS = tuple(range(24))


def to_datetime(ts: float) -> dt.datetime:
    """Epoch seconds to an aware UTC datetime, whole seconds (GitHub timestamps have no fraction)."""
    return dt.datetime.fromtimestamp(int(ts), dt.UTC)


def day_start(day: dt.date) -> int:
    """Epoch seconds of midnight UTC at the start of `day`."""
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A log-normal draw parameterised by its median, which is easier to reason about than mu."""
    return rng.lognormvariate(math.log(median), sigma)


def hours(rng: random.Random, median_hours: float, sigma: float, cap_hours: float = 24 * 21) -> int:
    """A log-normal duration in seconds, capped so one outlier cannot push activity out of the window."""
    return int(min(lognormal(rng, median_hours, sigma), cap_hours) * HOUR)


def work_time(rng: random.Random, day: dt.date, utc_offset_hours: float) -> int:
    """A moment on local calendar `day` when someone in that timezone plausibly opens a pull request."""
    hour = rng.choices(_HOURS, cum_weights=_HOUR_CUM_WEIGHTS)[0]
    local_seconds = hour * HOUR + rng.randrange(HOUR)
    return day_start(day) + local_seconds - int(utc_offset_hours * HOUR)


def next_working_moment(rng: random.Random, ts: int, utc_offset_hours: float) -> int:
    """Move `ts` to the reviewer's next working hours: nights and weekends are mostly skipped."""
    offset = int(utc_offset_hours * HOUR)
    local = ts + offset
    local_day = local // DAY
    local_hour = (local % DAY) // HOUR
    if local_hour >= 20 and rng.random() < 0.85:
        local_day += 1
        local_hour = -1
    if local_hour < 8 and rng.random() < 0.85:
        local = local_day * DAY + 8 * HOUR + rng.randrange(2 * HOUR)
    weekday = (local // DAY + 3) % 7  # 1970-01-01 was a Thursday; Monday == 0
    if weekday >= 5 and rng.random() < 0.9:
        local = (local // DAY + 7 - weekday) * DAY + 8 * HOUR + rng.randrange(3 * HOUR)
    return max(local - offset, ts)


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's Poisson sampler; fine for the small rates used here."""
    if lam <= 0:
        return 0
    threshold = math.exp(-lam)
    count, product = 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def geometric(rng: random.Random, p_stop: float, cap: int) -> int:
    """Number of extra steps before stopping with probability `p_stop` each step, at most `cap`."""
    count = 0
    while count < cap and rng.random() >= p_stop:
        count += 1
    return count
