"""Copilot in the synthetic org: who holds a seat, and what each seat holder did with Copilot on each day.

Everything is a pure function of the org (its seed, members, repositories and PRs): the seat holders are a
fixed share of the current members, a seat holder's day is drawn from a generator seeded by (seed, login,
day), and nothing depends on the order in which days are asked for. Adoption grows gently over time (more
active days, more chat and agent use), completions are accepted 25-35% of the time depending on the person,
and on a few "policy off" days Copilot was disabled for the org, so there is no usage and no report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import statistics
import threading
from collections import Counter
from dataclasses import dataclass

from dexxy_sandbox.org.model import Account, SyntheticOrg

REPORTS_AVAILABLE_FROM = dt.date(2025, 10, 10)  # GitHub serves the 1-day usage reports from this day on
SEAT_SHARE = 0.8  # share of current members holding a Copilot Business seat
ADOPTION_RAMP_DAYS = 240  # days over which the active share and chat/agent use ramp up

# (ide, weight, ide version, plugin, plugin version); plugin names as the reports spell them
IDES: tuple[tuple[str, float, str, str, str], ...] = (
    ("vscode", 0.62, "1.104.2", "copilot-chat", "0.31.3"),
    ("intellij", 0.22, "2025.2.3", "copilot-intellij", "1.5.59"),
    ("visualstudio", 0.06, "17.14.15", "copilot-vs", "17.14.1091"),
    ("neovim", 0.06, "0.11.4", "copilot.vim", "1.54.0"),
    ("xcode", 0.04, "26.0.1", "copilot-xcode", "0.43.0"),
)
CHAT_MODELS = ("gpt-4.1", "claude-sonnet-4.5", "gpt-5", "auto")
CHAT_FEATURES = ("chat_panel_ask_mode", "chat_panel_edit_mode", "chat_panel_agent_mode", "chat_inline")
# GitHub language names (repository languages) to the language ids the reports use (VS Code's ids)
LANGUAGE_IDS = {
    "C#": "csharp",
    "C++": "cpp",
    "Shell": "shellscript",
    "HCL": "terraform",
    "Dockerfile": "dockerfile",
    "Jupyter Notebook": "python",
}
EXTRA_LANGUAGES = ("markdown", "yaml", "json")


def language_id(github_language: str) -> str:
    return LANGUAGE_IDS.get(github_language, github_language.lower().replace(" ", ""))


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _unit(*parts: object) -> float:
    """A uniform number in [0, 1) fixed by `parts`."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class Seat:
    """A Copilot Business seat and the habits of the person holding it."""

    login: str
    user_id: int
    created_at: dt.datetime  # when the seat was (last) assigned
    pending_cancellation_date: dt.date | None
    ide: str
    ide_version: str
    plugin: str
    plugin_version: str
    languages: tuple[tuple[str, float], ...]  # (language id, weight), most used first
    chat_model: str
    acceptance_rate: float  # of completions, around 0.25-0.35
    propensity: float  # how likely a working day is a Copilot day, relative to the org's trend
    intensity: float  # how much they use it on such a day
    agent_affinity: float  # 0: never uses agent mode
    chat_affinity: float  # 0: never uses chat
    utc_offset_hours: float


@dataclass(frozen=True, slots=True)
class FeatureActivity:
    """One user's activity on one day for one (feature, language, model) slice."""

    feature: str
    language: str
    model: str | None  # chat features only
    interactions: int  # user_initiated_interaction_count
    generations: int  # code_generation_activity_count
    acceptances: int  # code_acceptance_activity_count
    loc_suggested_to_add: int
    loc_suggested_to_delete: int
    loc_added: int
    loc_deleted: int


@dataclass(frozen=True, slots=True)
class UserDay:
    """What one seat holder did with Copilot on one day (only days with activity exist)."""

    seat: Seat
    day: dt.date
    activities: tuple[FeatureActivity, ...]
    last_activity_at: dt.datetime

    @property
    def used_chat(self) -> bool:
        return any(a.feature.startswith("chat_") for a in self.activities)

    @property
    def used_agent(self) -> bool:
        return any(a.feature in ("chat_panel_agent_mode", "agent_edit") for a in self.activities)


@dataclass(frozen=True, slots=True)
class PullRequestDay:
    """The org's pull-request activity on one day (the aggregated report's `pull_requests`)."""

    created: int
    reviewed: int
    merged: int
    median_minutes_to_merge: float | None


class CopilotUsage:
    """Seats and daily usage of one org; reports exist for complete days from 2025-10-10 on."""

    def __init__(self, org: SyntheticOrg, unavailable_status: int | None = None) -> None:
        self.org = org
        self.seed = org.seed
        # None: Copilot is on. 404 / 403 / 422: every Copilot endpoint answers that, as GitHub does for an org
        # without Copilot, a token without the Copilot scope, or Copilot (metrics) not enabled.
        self.unavailable_status = unavailable_status
        self._authored = self._authored_languages()
        self.seats = self._seats()
        self._by_login = {seat.login.lower(): seat for seat in self.seats}
        self._days: dict[tuple[str, dt.date], UserDay | None] = {}
        self._lock = threading.Lock()
        self._pull_days: dict[dt.date, PullRequestDay] | None = None

    # ----- seats -----
    def _authored_languages(self) -> dict[str, Counter[str]]:
        """Per author, the languages of the repositories they opened PRs in (weighted by PR count)."""
        by_repo = {repo.name: repo for repo in self.org.repositories}
        found: dict[str, Counter[str]] = {}
        for pr in self.org.all_pulls():
            repo = by_repo[pr.repo]
            counter = found.setdefault(pr.author.lower(), Counter())
            for name, size in repo.languages[:3] or ((repo.language, 1),):
                counter[language_id(name)] += 3 if name == repo.language else 1 if size else 0
        return found

    def _seats(self) -> tuple[Seat, ...]:
        members = sorted(self.org.members(), key=lambda a: _unit(self.seed, "seat", a.login))
        holders = members[: max(1, math.ceil(len(members) * SEAT_SHARE))] if members else []
        return tuple(sorted((self._seat(account) for account in holders), key=lambda s: s.user_id))

    def _seat(self, account: Account) -> Seat:
        rng = _rng(self.seed, "seat", account.login)
        start = dt.datetime.combine(self.org.start, dt.time(), dt.UTC)
        if rng.random() < 0.8:  # the org-wide rollout, before the history starts
            created = start - dt.timedelta(days=rng.randint(60, 200), seconds=rng.randint(0, 86_399))
        else:  # assigned later, during the history
            span = max(1, (self.org.as_of - start).days)
            created = start + dt.timedelta(days=rng.randint(0, span * 2 // 3), seconds=rng.randint(0, 86_399))
        created = max(created, account.created_at + dt.timedelta(days=1))
        pending = None
        if rng.random() < 0.08:  # cancelled this billing cycle: ends at the next cycle's start
            as_of = self.org.as_of.date()
            pending = (as_of.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        roll, ide = rng.random(), IDES[-1]
        for candidate in IDES:
            roll -= candidate[1]
            if roll < 0:
                ide = candidate
                break
        authored = self._authored.get(account.login.lower()) or Counter(
            {language_id(r.language): 1 for r in self.org.repositories[:2]}
        )
        top = [name for name, _ in sorted(authored.items(), key=lambda item: (-item[1], item[0]))[:3]]
        weights = [0.6, 0.25, 0.15][: len(top)]
        extra = rng.choice(EXTRA_LANGUAGES)
        languages = (*zip(top, weights, strict=True), (extra, 0.08))
        return Seat(
            login=account.login,
            user_id=account.id,
            created_at=created.replace(microsecond=0),
            pending_cancellation_date=pending,
            ide=ide[0],
            ide_version=ide[2],
            plugin=ide[3],
            plugin_version=ide[4],
            languages=tuple(languages),
            chat_model=rng.choice(CHAT_MODELS),
            acceptance_rate=round(rng.uniform(0.26, 0.36), 3),
            propensity=rng.uniform(0.7, 1.15),
            intensity=rng.uniform(0.6, 1.5),
            agent_affinity=0.0 if rng.random() < 0.35 else rng.uniform(0.3, 1.4),
            chat_affinity=0.0 if rng.random() < 0.15 else rng.uniform(0.6, 1.3),
            utc_offset_hours=account.utc_offset_hours,
        )

    def seat(self, login: str) -> Seat | None:
        return self._by_login.get(login.lower())

    # ----- which days have reports -----
    @property
    def last_report_day(self) -> dt.date:
        """The last complete day at the org's `as_of`."""
        return (self.org.as_of + dt.timedelta(seconds=1)).date() - dt.timedelta(days=1)

    def policy_off(self, day: dt.date) -> bool:
        """Copilot was switched off for the org that day (a few days, at least one in every 47)."""
        return _unit(self.seed, "policy", day) < 0.025 or (day.toordinal() + self.seed) % 47 == 0

    def report_available(self, day: dt.date) -> bool:
        return REPORTS_AVAILABLE_FROM <= day <= self.last_report_day and not self.policy_off(day)

    def available_days(self) -> list[dt.date]:
        first = max(REPORTS_AVAILABLE_FROM, self.org.start)
        count = (self.last_report_day - first).days + 1
        days = (first + dt.timedelta(days=n) for n in range(max(0, count)))
        return [day for day in days if self.report_available(day)]

    # ----- activity -----
    def _progress(self, day: dt.date) -> float:
        """0 at the start of the reports, 1 after the adoption ramp."""
        return min(1.0, max(0.0, (day - REPORTS_AVAILABLE_FROM).days / ADOPTION_RAMP_DAYS))

    def is_active(self, seat: Seat, day: dt.date) -> bool:
        """Whether the seat holder used Copilot that day (cheap: no counters are drawn)."""
        if self.policy_off(day) or day < seat.created_at.date():
            return False
        if seat.pending_cancellation_date is not None and day >= seat.pending_cancellation_date:
            return False
        if day > self.last_report_day:
            return False
        base = 0.58 + 0.22 * self._progress(day) if day.weekday() < 5 else 0.05
        return _unit(self.seed, "active", seat.login, day) < min(0.95, base * seat.propensity)

    def user_day(self, seat: Seat, day: dt.date) -> UserDay | None:
        """The seat holder's activity that day, or None on a day without any."""
        key = (seat.login, day)
        with self._lock:
            if key not in self._days:
                self._days[key] = self._draw_day(seat, day) if self.is_active(seat, day) else None
            return self._days[key]

    def users(self, day: dt.date) -> list[UserDay]:
        """Everyone active that day, by user id."""
        return [found for seat in self.seats if (found := self.user_day(seat, day)) is not None]

    def active_logins(self, day: dt.date, window_days: int) -> set[str]:
        """Seat holders active on any day of the trailing window ending on `day`."""
        days = [day - dt.timedelta(days=n) for n in range(window_days)]
        return {seat.login for seat in self.seats if any(self.is_active(seat, d) for d in days)}

    def window_users(self, day: dt.date, window_days: int, feature_test: str) -> int:
        """Seat holders who used chat (`feature_test="chat"`) or agent mode in the trailing window."""
        days = [day - dt.timedelta(days=n) for n in range(window_days)]
        count = 0
        for seat in self.seats:
            for d in days:
                found = self.user_day(seat, d)
                if found is not None and (found.used_chat if feature_test == "chat" else found.used_agent):
                    count += 1
                    break
        return count

    def last_activity(self, seat: Seat, lookback_days: int = 120) -> UserDay | None:
        """The seat holder's most recent active day up to the org's `as_of`."""
        day = self.last_report_day
        for _ in range(lookback_days):
            found = self.user_day(seat, day)
            if found is not None:
                return found
            day -= dt.timedelta(days=1)
        return None

    def _language(self, rng: random.Random, seat: Seat) -> str:
        names = [name for name, _ in seat.languages]
        return rng.choices(names, weights=[weight for _, weight in seat.languages])[0]

    def _draw_day(self, seat: Seat, day: dt.date) -> UserDay:
        rng = _rng(self.seed, "day", seat.login, day)
        trend = self._progress(day)
        activities: list[FeatureActivity] = []
        # inline completions, split over the languages touched that day
        generations = max(1, round(rng.lognormvariate(math.log(42 * seat.intensity), 0.45)))
        lines_per = rng.uniform(1.3, 3.2)
        rate = min(0.5, max(0.12, rng.gauss(seat.acceptance_rate, 0.025)))
        languages = sorted({self._language(rng, seat) for _ in range(rng.randint(1, 3))})
        shares = [rng.uniform(0.5, 1.5) for _ in languages]
        for language, share in zip(languages, shares, strict=True):
            gen = max(1, round(generations * share / sum(shares)))
            acc = round(gen * min(0.6, max(0.05, rng.gauss(rate, 0.03))))
            activities.append(
                FeatureActivity(
                    "code_completion",
                    language,
                    None,
                    0,
                    gen,
                    acc,
                    round(gen * lines_per),
                    0,
                    round(acc * lines_per * rng.uniform(0.85, 1.1)),
                    0,
                )
            )
        primary = languages[0]
        # chat in the panel (ask, edit) and inline
        if rng.random() < (0.4 + 0.25 * trend) * seat.chat_affinity:
            for feature, chance, most in (
                ("chat_panel_ask_mode", 1.0, 10),
                ("chat_panel_edit_mode", 0.3 + 0.2 * trend, 5),
                ("chat_inline", 0.35, 4),
            ):
                if rng.random() >= chance:
                    continue
                asks = rng.randint(1, most)
                gen = asks + rng.randint(0, asks)
                acc = round(gen * rng.uniform(0.3, 0.55))
                per_block = rng.uniform(4, 14)
                activities.append(
                    FeatureActivity(
                        feature,
                        self._language(rng, seat) if rng.random() < 0.3 else primary,
                        seat.chat_model if rng.random() < 0.8 else rng.choice(CHAT_MODELS),
                        asks,
                        gen,
                        acc,
                        round(gen * per_block),
                        round(gen * rng.uniform(0, 2)),
                        round(acc * per_block * rng.uniform(0.8, 1.0)),
                        0,
                    )
                )
        # agent mode: prompts in the panel, and the edits the agent writes into files
        if rng.random() < min(0.7, (0.1 + 0.3 * trend) * seat.agent_affinity):
            asks = rng.randint(1, 6)
            model = seat.chat_model
            activities.append(
                FeatureActivity(
                    "chat_panel_agent_mode", primary, model, asks, asks * rng.randint(1, 3), asks, 0, 0, 0, 0
                )
            )
            added = rng.randint(15, 260)
            activities.append(
                FeatureActivity("agent_edit", primary, None, 0, 0, 0, 0, 0, added, rng.randint(0, added // 3))
            )
        hour = rng.uniform(15.0, 17.9) - seat.utc_offset_hours  # late afternoon, local time
        moment = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(hours=hour % 24)
        moment = min(moment, dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC))
        return UserDay(seat, day, tuple(activities), moment.replace(microsecond=0))

    # ----- the org's pull requests per day -----
    def pull_requests(self, day: dt.date) -> PullRequestDay:
        with self._lock:
            if self._pull_days is None:
                self._pull_days = self._index_pull_days()
            return self._pull_days.get(day, PullRequestDay(0, 0, 0, None))

    def _index_pull_days(self) -> dict[dt.date, PullRequestDay]:
        created: Counter[dt.date] = Counter()
        reviewed: Counter[dt.date] = Counter()
        merge_minutes: dict[dt.date, list[float]] = {}
        for pr in self.org.all_pulls():
            created[pr.created_at.date()] += 1
            for review_day in {review.submitted_at.date() for review in pr.reviews}:
                reviewed[review_day] += 1
            if pr.merged_at is not None:
                minutes = (pr.merged_at - pr.created_at).total_seconds() / 60
                merge_minutes.setdefault(pr.merged_at.date(), []).append(minutes)
        days = set(created) | set(reviewed) | set(merge_minutes)
        return {
            day: PullRequestDay(
                created[day],
                reviewed[day],
                len(merge_minutes.get(day, ())),
                round(statistics.median(merge_minutes[day]), 1) if day in merge_minutes else None,
            )
            for day in days
        }
