"""Sending one survey at most once per (pull request, person), whatever crashes, re-runs or concurrent runs
happen: the row is claimed (status ``sending``) and committed *before* ``chat.postMessage``, and recorded
``sent`` after it.

- A second run (or a concurrent one) finds the row and skips it: the primary key decides, not timing.
- A person Dexxy has no address for, or whom Slack does not know, is tried again by later runs (while the
  pull request is within the survey's age): the members sync, the Jira match or a new Slack account may
  bring them in.
- A refusal Slack states means nothing was posted: ``retry`` for a passing one (a later run claims the row
  again), ``failed`` for one about the person (``user_disabled``, ``cannot_dm_bot``).
- When the message may have reached Slack (the POST timed out, dropped, answered 5xx, or Slack said
  ``internal_error``), the row becomes ``unconfirmed`` and is never sent again: a missing answer costs less
  than asking twice. A process killed between the claim and the record leaves ``sending``; the next run turns
  rows claimed longer than ``STALE_CLAIM`` ago into ``unconfirmed``.

The row is the survey, whichever channel carries it: ``SlackChannel`` here, ``GitHubCommentChannel``
(survey_github_comment.py) for the people Slack cannot reach. A channel claims only rows in the states its
``takeover`` names, so a person reached by one channel is never asked by the other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine, text

from dexxy_assets.slack.survey_targets import SurveyTarget
from resources.http.errors import AuthError, RateLimitError, ServiceError, UnavailableError, UnreachableError
from resources.slack_client import SlackClient, SlackRefusal
from resources.slack_survey_message import survey_message

STALE_CLAIM = dt.timedelta(hours=1)  # longer than any send may take (a POST is not retried)

# A row is taken over only in a state its channel may claim (``SurveyChannel.takeover``: "channel:status").
_CLAIM = text(
    """
INSERT INTO ops.pr_survey_deliveries
    (pr_id, person, github_login, member_id, role, repository, pr_number, merged_at, status, channel)
VALUES (:pr_id, :person, :login, :member_id, :role, :repository, :number, :merged_at, 'sending', :channel)
ON CONFLICT (pr_id, person) DO UPDATE
    SET status = 'sending', attempts = ops.pr_survey_deliveries.attempts + 1, claimed_at = now(),
        error = NULL, channel = :channel
    WHERE ops.pr_survey_deliveries.channel || ':' || ops.pr_survey_deliveries.status = ANY(:takeover)
RETURNING attempts
"""
)
_RECORD = text(
    """
UPDATE ops.pr_survey_deliveries
SET status = CASE WHEN status = 'answered' THEN status ELSE :status END,
    error = :error, email = coalesce(:email, email), slack_user_id = coalesce(:user_id, slack_user_id),
    channel_id = :channel, message_ts = :ts,
    sent_at = CASE WHEN :status IN ('sent', 'unconfirmed') OR status = 'answered' THEN sent_at END
WHERE pr_id = :pr_id AND person = :person
  AND (status = 'sending' OR (status = 'answered' AND message_ts IS NULL))
"""
)
# The recipient (and the send time) is written before the message is posted: the person's answer may arrive
# before Slack's answer to the post does.
_RECIPIENT = text(
    """
UPDATE ops.pr_survey_deliveries
SET email = coalesce(:email, email), slack_user_id = coalesce(:user_id, slack_user_id), sent_at = now()
WHERE pr_id = :pr_id AND person = :person AND status = 'sending'
"""
)
_EXPIRE_STALE = text(
    """
UPDATE ops.pr_survey_deliveries SET status = 'unconfirmed', error = 'interrupted while sending'
WHERE status = 'sending' AND claimed_at < now() - CAST(:stale AS interval)
"""
)


@dataclass
class DeliveryReport:
    """What one run did; the table's state is what the asset reports as rows and problems."""

    outcomes: Counter[str] = field(default_factory=Counter)
    opted_out: int = 0
    already_asked: int = 0
    expired_claims: int = 0


class SurveyChannel(Protocol):
    """How a survey reaches a person: Slack's direct message (``SlackChannel``) or a comment on the pull
    request (``survey_github_comment.GitHubCommentChannel``)."""

    name: str  # the row's channel
    takeover: tuple[str, ...]  # "channel:status" of existing rows this channel may claim

    def deliver(self, target: SurveyTarget, sender: SurveySender) -> Outcome:
        """Post the survey inside ``sender.posting``; raise ``NothingPosted`` / ``MaybePosted`` for a failure
        whose classification is known."""
        ...


class SurveySender:
    """Sends the surveys of one run on one channel; each row's claim and record is its own short
    transaction, so nothing is held open during a call."""

    def __init__(self, engine: Engine, channel: SurveyChannel | SlackClient) -> None:
        self.engine = engine
        self.channel = channel if not isinstance(channel, SlackClient) else SlackChannel(channel)
        self.report = DeliveryReport()
        self._posting = False  # inside the post: an interruption now may have posted

    def expire_stale_claims(self) -> None:
        with self.engine.begin() as conn:
            expired = conn.execute(_EXPIRE_STALE, {"stale": f"{int(STALE_CLAIM.total_seconds())} seconds"})
            self.report.expired_claims += expired.rowcount

    def send(self, target: SurveyTarget, opted_out: frozenset[str]) -> str:
        """The target's outcome: sent, already_asked, opted_out, or the status its row was left in."""
        if target.opted_out(opted_out):
            self.report.opted_out += 1
            return "opted_out"
        if not self._claim(target):
            self.report.already_asked += 1
            return "already_asked"
        self._posting = False
        try:
            outcome = self.channel.deliver(target, self)
        except MaybePosted as maybe:  # timed out, dropped or 5xx after the POST was sent
            self._record(target, "unconfirmed", type(maybe.cause).__name__, maybe.email, maybe.user_id)
            raise maybe.cause from None
        except BaseException as error:
            # an interruption during the POST may have posted; anything before it posted nothing
            status = "unconfirmed" if self._posting and not isinstance(error, NothingPosted) else "retry"
            cause = error.cause if isinstance(error, NothingPosted) else error
            self._record(target, status, _code_of(cause))
            if isinstance(error, NothingPosted):
                raise error.cause from None
            raise
        self.report.outcomes[outcome.status] += 1
        self._record(
            target, outcome.status, outcome.error, outcome.email, outcome.user_id, outcome.channel, outcome.ts
        )
        return outcome.status

    def _claim(self, target: SurveyTarget) -> bool:
        pr = target.pull_request
        with self.engine.begin() as conn:
            claimed = conn.execute(
                _CLAIM,
                {
                    "pr_id": pr.pr_id,
                    "person": target.person,
                    "login": target.login,
                    "member_id": target.member_id,
                    "role": pr.role,
                    "repository": pr.repository,
                    "number": pr.number,
                    "merged_at": target.merged_at,
                    "channel": self.channel.name,
                    "takeover": list(self.channel.takeover),
                },
            ).first()
        return claimed is not None

    def _record(
        self,
        target: SurveyTarget,
        status: str,
        error: str | None = None,
        email: str | None = None,
        user_id: str | None = None,
        channel: str | None = None,
        ts: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                _RECORD,
                {
                    "pr_id": target.pull_request.pr_id,
                    "person": target.person,
                    "status": status,
                    "error": error,
                    "email": email,
                    "user_id": user_id,
                    "channel": channel,
                    "ts": ts,
                },
            )

    @contextmanager
    def posting(
        self, target: SurveyTarget, email: str | None = None, user_id: str | None = None
    ) -> Iterator[None]:
        """Around the one call that may post: the recipient and send time are written first (an answer may
        arrive before the call returns), and an interruption inside counts as maybe posted."""
        with self.engine.begin() as conn:
            params = {"pr_id": target.pull_request.pr_id, "person": target.person}
            conn.execute(_RECIPIENT, {**params, "email": email, "user_id": user_id})
        self._posting = True
        yield  # an exception leaves _posting set: the channel says whether nothing was posted (NothingPosted)
        self._posting = False


class SlackChannel:
    """The survey as a Slack direct message, found by the person's e-mail addresses."""

    name = "slack"
    # a person without an address or a Slack account is looked up again by later runs; a passing refusal
    # (this channel's or a comment's) is tried again
    takeover = ("slack:retry", "slack:no_email", "slack:no_slack_user", "github_comment:retry")

    def __init__(self, slack: SlackClient) -> None:
        self.slack = slack
        self._users: dict[str, str | None] = {}  # e-mail → Slack user id, for this run

    def deliver(self, target: SurveyTarget, sender: SurveySender) -> Outcome:
        if not target.emails:
            return Outcome("no_email", "no e-mail address known for this person")
        email, user_id = self._slack_user(target.emails)
        if user_id is None:
            return Outcome("no_slack_user", "users_not_found")
        try:
            with sender.posting(target, email, user_id):
                posted = self.slack.post_message(survey_message(user_id, target.pull_request))
        except SlackRefusal as refusal:
            if refusal.outcome_unknown:
                return Outcome("unconfirmed", refusal.code, email, user_id)
            return Outcome("retry" if refusal.passing else "failed", refusal.code, email, user_id)
        except (UnreachableError, RateLimitError, AuthError) as error:  # not connected or refused: no post
            raise NothingPosted(error) from error
        except UnavailableError as error:  # timed out, dropped or 5xx after the request was sent
            raise MaybePosted(error, email, user_id) from error
        return Outcome("sent", None, email, user_id, posted.channel, posted.ts)

    def _slack_user(self, emails: tuple[str, ...]) -> tuple[str | None, str | None]:
        for email in emails:
            if email not in self._users:
                try:
                    self._users[email] = self.slack.lookup_by_email(email)
                except SlackRefusal as refusal:
                    if refusal.passing:
                        raise
                    self._users[email] = None  # invalid_email and the like: try the next address
            if self._users[email]:
                return email, self._users[email]
        return None, None


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str | None = None
    email: str | None = None
    user_id: str | None = None
    channel: str | None = None
    ts: str | None = None


class NothingPosted(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class MaybePosted(Exception):
    def __init__(self, cause: BaseException, email: str | None, user_id: str | None) -> None:
        super().__init__(str(cause))
        self.cause, self.email, self.user_id = cause, email, user_id


def _code_of(cause: BaseException) -> str:
    """What the row's error says: Slack's code when it gave one, else the failure's class."""
    if isinstance(cause, ServiceError) and cause.service_message:
        return cause.service_message
    return type(cause).__name__
