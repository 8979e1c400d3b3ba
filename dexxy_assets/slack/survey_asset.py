"""`slack/pr_surveys`: asks the author (and optionally the reviewers) of each pull request merged in the
partition's days, through the Slack bot, whether they used AI on it. Runs after the pull requests are staged,
so the nightly sync and a webhook's refresh of today both reach it.

Sending happens in ``load`` (each survey claimed and recorded in its own transaction: survey_delivery.py);
the landing step then reads the state of the days' surveys back from ``ops.pr_survey_deliveries`` for the
rows, the problems (a person without e-mail or Slack account, a refusal, an unconfirmed send, an answer the
receiver could not place) and the metadata, so a re-run reports the same problems as the first run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.problems import ProblemLog
from dexxy_assets.slack.asset_settings import SETTINGS
from dexxy_assets.slack.survey_comment_replies import read_replies
from dexxy_assets.slack.survey_delivery import DeliveryReport, SurveySender
from dexxy_assets.slack.survey_github_comment import GitHubCommentChannel, comment_client
from dexxy_assets.slack.survey_targets import SurveyTarget, merged_window, survey_targets
from resources.github import GitHubResource
from resources.http.usage import ApiUsage
from resources.slack import SlackResource

SURVEYS_KEY = dg.AssetKey(["slack", "pr_surveys"])
SURVEYS_TABLE = "ops.pr_survey_deliveries"

# statuses of a survey row that are a problem, and the problem's name
PROBLEM_STATUSES = {
    "no_email": "survey_person_without_email",
    "no_slack_user": "survey_slack_users_not_found",
    "failed": "survey_slack_refused",
    "unconfirmed": "survey_send_unconfirmed",
}
# statuses of a received interaction that are a problem
PROBLEM_INTERACTIONS = {
    "unknown_survey": "survey_answer_unknown_survey",
    "malformed": "survey_answer_malformed",
}
# statuses of an /ai reply on a pull request that are a problem (not_author is ignored, and only counted)
PROBLEM_REPLIES = {
    "unknown_survey": "survey_reply_unknown_survey",
    "malformed": "survey_reply_malformed",
}

_DAYS_SURVEYS = text(
    """
SELECT (merged_at AT TIME ZONE 'UTC')::date AS day, status, error, repository, pr_number, github_login,
       channel
FROM ops.pr_survey_deliveries
WHERE merged_at >= :start AND merged_at < :end
"""
)
_DAYS_INTERACTIONS = text(
    """
SELECT (received_at AT TIME ZONE 'UTC')::date AS day, status, pr_id, slack_user_id
FROM ops.slack_interactions
WHERE received_at >= :start AND received_at < :end AND status = ANY(:statuses)
"""
)
# a reply is the run's days' when written in them, else when its pull request merged in them
_DAYS_REPLIES = text(
    """
SELECT (CASE WHEN created_at >= :start AND created_at < :end THEN created_at ELSE merged_at END
        AT TIME ZONE 'UTC')::date AS day, status, repository, pr_number, author_login, body
FROM ops.pr_survey_comment_replies
WHERE (created_at >= :start AND created_at < :end) OR (merged_at >= :start AND merged_at < :end)
"""
)
_TOO_OLD = text(
    """
SELECT count(*) FROM staging.github_pull_requests
WHERE merged_at >= :start AND merged_at < :cutoff AND NOT author_is_bot
"""
)


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    slack: SlackResource = run.api
    window = run.window
    now = dt.datetime.now(dt.UTC)
    max_age = slack.max_age()
    askable = merged_window(window.start, window.end, max_age, now)
    engine = run.warehouse.engine()
    opted_out = slack.opted_out()
    with engine.connect() as conn:
        cutoff = min(window.end, now - dt.timedelta(hours=max_age))
        too_old = conn.execute(_TOO_OLD, {"start": window.start, "cutoff": cutoff}).scalar_one()
        targets = (
            survey_targets(conn, *askable, reviewers=slack.reviewers_asked()) if askable is not None else []
        )
    slack_on = slack.not_configured_reason() is None
    report, usage, posts = DeliveryReport(), None, 0
    if slack_on:
        with slack.client() as client:
            sender = SurveySender(engine, client)
            sender.expire_stale_claims()
            for target in targets:
                sender.send(target, opted_out)
            report, usage, posts = sender.report, client.reads.usage, client.writes.usage.requests
    comments = _comment_on_pull_requests(run, targets, opted_out, expire=not slack_on)
    if not slack_on:  # the comments are the survey: theirs are the run's counts
        report, usage = comments.report, comments.usage
    if report.outcomes:
        run.log.info(f"surveys this run: {dict(report.outcomes)}")

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        rows, statuses, problems = _days_state(conn, window.start, window.end)
        replies = _days_replies(conn, window.start, window.end, problems)
        return {
            SURVEYS_KEY: ingest.Landed(
                rows=sum(rows.values()),
                per_day=rows,
                problems=problems,
                usage=usage,
                run_wide={
                    "surveys_sent_in_run": report.outcomes.get("sent", 0),
                    "already_asked": report.already_asked,
                    "opted_out": report.opted_out,
                    "merged_too_long_ago": too_old,
                    "max_age_hours": max_age,
                    "reviewers_asked": slack.reviewers_asked(),
                    "interrupted_sends_expired": report.expired_claims,
                    "chat_post_message_requests": posts,
                    "survey_status": dg.MetadataValue.json(dict(sorted(statuses.items()))),
                    "github_comments": slack.github_comments(),
                    "github_comments_sent_in_run": comments.report.outcomes.get("sent", 0),
                    "github_comment_post_requests": comments.posts,
                    "github_replies": dg.MetadataValue.json(dict(sorted(replies.items()))),
                    "github_replies_by_others": replies.get("not_author", 0),
                    "response_rate": _response_rate(statuses),
                },
            )
        }

    return land


@dataclass
class _CommentRun:
    report: DeliveryReport = field(default_factory=DeliveryReport)
    posts: int = 0
    usage: ApiUsage | None = None


def _comment_on_pull_requests(
    run: ingest.IngestionRun, targets: list[SurveyTarget], opted_out: frozenset[str], *, expire: bool
) -> _CommentRun:
    """With DEXXY_SURVEY_GITHUB_COMMENT: the survey as a comment for each author Slack could not reach (every
    author without Slack), then the ``/ai`` replies of the run's days."""
    slack: SlackResource = run.api
    done = _CommentRun()
    if not slack.github_comments():
        return done
    github: GitHubResource = run.context.resources.github
    engine = run.warehouse.engine()
    with comment_client(github, engine) as client:
        sender = SurveySender(engine, GitHubCommentChannel(client))
        if expire:
            sender.expire_stale_claims()
        for target in targets:
            if target.pull_request.role == "author":
                sender.send(target, opted_out)
        done.report, done.posts, done.usage = sender.report, client.usage.requests, client.usage
    replies = read_replies(engine, run.window.start, run.window.end)
    if replies:
        run.log.info(f"/ai replies read this run: {dict(replies)}")
    return done


def _days_replies(
    conn: Connection, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> Counter[str]:
    """The days' /ai replies by status; the malformed ones and those about no survey are problems."""
    statuses: Counter[str] = Counter()
    for row in conn.execute(_DAYS_REPLIES, {"start": start, "end": end}):
        statuses[row.status] += 1
        if row.status in PROBLEM_REPLIES:
            example = f"{row.repository}#{row.pr_number} {row.author_login}: {row.body[:80]}"
            problems.add(PROBLEM_REPLIES[row.status], row.day, example)
    return statuses


def _response_rate(statuses: Counter[str]) -> float | None:
    """Answered / delivered (sent or answered) for the run's days; None before anything was delivered."""
    delivered = statuses["sent"] + statuses["answered"]
    return round(statuses["answered"] / delivered, 3) if delivered else None


def _days_state(
    conn: Connection, start: dt.datetime, end: dt.datetime
) -> tuple[Counter[dt.date], Counter[str], ProblemLog]:
    """The days' survey rows, their statuses and problems, from the table: what every run of them reports."""
    rows: Counter[dt.date] = Counter()
    statuses: Counter[str] = Counter()
    problems = ProblemLog()
    for row in conn.execute(_DAYS_SURVEYS, {"start": start, "end": end}):
        rows[row.day] += 1
        statuses[row.status] += 1
        if row.status in PROBLEM_STATUSES:
            example = f"{row.repository}#{row.pr_number} {row.github_login}: {row.error}"
            kind = PROBLEM_STATUSES[row.status]
            if (row.channel, row.status) == ("github_comment", "failed"):
                kind = "survey_github_comment_refused"  # GitHub refused the comment (404, 410, 422)
            problems.add(kind, row.day, example)
    interactions = conn.execute(
        _DAYS_INTERACTIONS, {"start": start, "end": end, "statuses": list(PROBLEM_INTERACTIONS)}
    )
    for row in interactions:
        problems.add(PROBLEM_INTERACTIONS[row.status], row.day, f"pr_id {row.pr_id} from {row.slack_user_id}")
    return rows, statuses, problems


def build_survey_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name="slack__pr_surveys",
            entities=(
                ingest.Entity(
                    SURVEYS_KEY,
                    "The Slack PR survey: one message per merged pull request and person (author, optionally "
                    "reviewers), never two; answers arrive at the receiver's POST /slack/interactivity.",
                    SURVEYS_TABLE,
                ),
            ),
            settings=SETTINGS,
            load=_load,
            api_resource="slack",
            other_resources=("github",),  # the survey as a pull request comment writes through it
            partitions=partitions,
            deps=(PULL_REQUESTS_STAGED_KEY,),
            skip_reason=lambda slack: slack.survey_off_reason(),
        )
    )
