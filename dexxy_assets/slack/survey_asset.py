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

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.problems import ProblemLog
from dexxy_assets.slack.asset_settings import SETTINGS
from dexxy_assets.slack.survey_delivery import SurveySender
from dexxy_assets.slack.survey_targets import merged_window, survey_targets
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

_DAYS_SURVEYS = text(
    """
SELECT (merged_at AT TIME ZONE 'UTC')::date AS day, status, error, repository, pr_number, github_login
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
    with slack.client() as client:
        sender = SurveySender(engine, client)
        sender.expire_stale_claims()
        for target in targets:
            sender.send(target, opted_out)
        usage = client.reads.usage
        posts = client.writes.usage.requests
    report = sender.report
    if report.outcomes:
        run.log.info(f"surveys this run: {dict(report.outcomes)}")

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        rows, statuses, problems = _days_state(conn, window.start, window.end)
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
                    "response_rate": _response_rate(statuses),
                },
            )
        }

    return land


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
            problems.add(PROBLEM_STATUSES[row.status], row.day, example)
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
            partitions=partitions,
            deps=(PULL_REQUESTS_STAGED_KEY,),
            skip_reason=lambda slack: slack.not_configured_reason(),
        )
    )
