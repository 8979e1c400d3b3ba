"""The synthetic organisation: one import for the generator and the records it produces."""

from __future__ import annotations

from dexxy_sandbox.org.generator import DEFAULT_ORG_LOGIN, generate_org
from dexxy_sandbox.org.model import (
    Account,
    ChangedFile,
    CheckRun,
    CommentStamp,
    Commit,
    CommitPlan,
    Deployment,
    DeploymentStatus,
    IssueComment,
    IssueEvent,
    PullRequest,
    Repository,
    Review,
    ReviewComment,
    SyntheticOrg,
    Team,
)

__all__ = [
    "DEFAULT_ORG_LOGIN",
    "Account",
    "ChangedFile",
    "CheckRun",
    "CommentStamp",
    "Commit",
    "CommitPlan",
    "Deployment",
    "DeploymentStatus",
    "IssueComment",
    "IssueEvent",
    "PullRequest",
    "Repository",
    "Review",
    "ReviewComment",
    "SyntheticOrg",
    "Team",
    "generate_org",
]
