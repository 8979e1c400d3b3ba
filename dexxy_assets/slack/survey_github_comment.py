"""The PR survey as one comment on the merged pull request (``DEXXY_SURVEY_GITHUB_COMMENT``): for the
authors Slack cannot reach (no address, no Slack account, a refusal about the person), or every author when
Slack is not set up. It goes through ``SurveySender`` like a Slack message: the same row of
``ops.pr_survey_deliveries`` (one survey per pull request and person, whichever channel), claimed and
committed before ``POST /repos/{owner}/{repo}/issues/{number}/comments``, recorded after it; a POST that
timed out, dropped or answered 5xx is ``unconfirmed`` and never posted again. The write client has no retries
(a rate-limited POST was not processed and is waited out, as every call's is) and no ETag cache."""

from __future__ import annotations

from sqlalchemy import Engine

from dexxy_assets.slack.survey_delivery import MaybePosted, NothingPosted, Outcome, SurveySender
from dexxy_assets.slack.survey_targets import SurveyTarget
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.github_survey_comment import comment_body
from resources.http.errors import AuthError, RateLimitError, ServiceError, UnavailableError, UnreachableError
from resources.http.retry_policy import RetryPolicy

# GitHub refusing the comment for this pull request: 404 (gone), 410 (issues disabled), 422 (invalid)
_REFUSED_FOR_THE_PR = frozenset({404, 410, 422})


def comment_client(github: GitHubResource, engine: Engine) -> GitHubClient:
    """The GitHub client for the survey's write: the resource's URL and credentials, retries off."""
    return GitHubClient(
        github.resolved_api_url(),
        github.credentials(engine),
        timeout_seconds=github.timeout_seconds,
        retry=RetryPolicy(max_retries=0),
    )


class GitHubCommentChannel:
    """Posts the survey as a comment addressed to the pull request's author."""

    name = "github_comment"
    # people Slack cannot reach (its rows stay theirs to look up again only until the comment is posted), and
    # this channel's own passing failures
    takeover = ("slack:no_email", "slack:no_slack_user", "slack:failed", "github_comment:retry")

    def __init__(self, github: GitHubClient) -> None:
        self.github = github

    def deliver(self, target: SurveyTarget, sender: SurveySender) -> Outcome:
        pr = target.pull_request
        path = f"repos/{pr.repository}/issues/{pr.number}/comments"
        try:
            with sender.posting(target):
                posted = self.github.request("POST", path, json={"body": comment_body(target.login, pr)})
        except (UnreachableError, RateLimitError) as error:  # not connected, or refused unprocessed
            raise NothingPosted(error) from error
        except UnavailableError as error:  # timed out, dropped or 5xx after the request was sent
            raise MaybePosted(error, None, None) from error
        except AuthError as error:  # a bad token, or no issues: write: the run fails with a classified alert
            raise NothingPosted(error) from error
        except ServiceError as error:
            if error.status in _REFUSED_FOR_THE_PR:
                return Outcome("failed", f"{error.status} {error.service_message or type(error).__name__}")
            raise
        data = posted.data if isinstance(posted.data, dict) else {}
        comment_id = data.get("id")
        ts = str(comment_id) if comment_id else None
        return Outcome("sent", None, None, None, data.get("html_url"), ts)
