"""What a Jira site is configured with: workflow statuses, issue types, priorities, fields, time zones, words.

Kept apart from the generator so the generator reads as rules, and the payloads and `/field` share one list.
"""

from __future__ import annotations

from dexxy_sandbox.jira.model import IssueType, Status

SITE_TITLE = "Dexxy Demo Jira"
SITE_TIME_ZONE = "America/Los_Angeles"  # the API user's zone: JQL date literals are read in it
API_USER_EMAIL = "jira-sync@dexxy.example"
OPS_PROJECT = ("OPS", "Operations", "incidents and on-call work")

# One workflow for every project. "Completed" is the odd one: its name says done, its category says
# "In Progress" (an admin forgot to move it), so a client must trust the category, not the name.
STATUSES: tuple[Status, ...] = (
    Status("10000", "To Do", "new"),
    Status("3", "In Progress", "indeterminate"),
    Status("10001", "In Review", "indeterminate"),
    Status("10002", "Completed", "indeterminate"),
    Status("10003", "Done", "done"),
    Status("10004", "Won't Do", "done"),
)
STATUS_CATEGORIES: dict[str, tuple[int, str, str]] = {  # key: (id, name, colorName)
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
ISSUE_TYPES: tuple[IssueType, ...] = (
    IssueType("10000", "Epic", 1),
    IssueType("10001", "Story", 0),
    IssueType("10002", "Task", 0),
    IssueType("10003", "Bug", 0),
    IssueType("10004", "Sub-task", -1),
    IssueType("10005", "Incident", 0),
)
PRIORITIES: tuple[str, ...] = ("Highest", "High", "Medium", "Low", "Lowest")
RESOLUTIONS: dict[str, str] = {"Done": "10000", "Won't Do": "10001"}

SPRINT_FIELD = "customfield_10020"
STORY_POINTS_FIELD = "customfield_10016"
RANK_FIELD = "customfield_10019"
CUSTOMER_IMPACT_FIELD = "customfield_10042"  # a custom field the product has no use for
TEAM_FIELD = "customfield_10077"
ORPHAN_FIELD = "customfield_10150"  # on issues but not in /field: left behind by an uninstalled app

# (id, name, schema) of the fields `/field` lists; which are navigable is NON_NAVIGABLE's complement
SYSTEM_FIELDS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("summary", "Summary", {"type": "string", "system": "summary"}),
    ("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}),
    ("project", "Project", {"type": "project", "system": "project"}),
    ("status", "Status", {"type": "status", "system": "status"}),
    ("statuscategorychangedate", "Status Category Changed", {"type": "datetime", "system": "x"}),
    ("priority", "Priority", {"type": "priority", "system": "priority"}),
    ("assignee", "Assignee", {"type": "user", "system": "assignee"}),
    ("reporter", "Reporter", {"type": "user", "system": "reporter"}),
    ("creator", "Creator", {"type": "user", "system": "creator"}),
    ("created", "Created", {"type": "datetime", "system": "created"}),
    ("updated", "Updated", {"type": "datetime", "system": "updated"}),
    ("resolution", "Resolution", {"type": "resolution", "system": "resolution"}),
    ("resolutiondate", "Resolved", {"type": "datetime", "system": "resolutiondate"}),
    ("description", "Description", {"type": "string", "system": "description"}),
    ("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    ("parent", "Parent", {"type": "issuelink", "system": "parent"}),
    ("subtasks", "Sub-tasks", {"type": "array", "items": "issuelinks", "system": "subtasks"}),
    ("comment", "Comment", {"type": "comments-page", "system": "comment"}),
    ("worklog", "Log Work", {"type": "array", "items": "worklog", "system": "worklog"}),
    ("timespent", "Time Spent", {"type": "number", "system": "timespent"}),
    ("components", "Components", {"type": "array", "items": "component", "system": "components"}),
    ("fixVersions", "Fix versions", {"type": "array", "items": "version", "system": "fixVersions"}),
    ("issuelinks", "Linked Issues", {"type": "array", "items": "issuelinks", "system": "issuelinks"}),
)
CUSTOM_FIELDS: tuple[tuple[str, str, dict[str, object]], ...] = (
    (
        SPRINT_FIELD,
        "Sprint",
        {
            "type": "array",
            "items": "json",
            "custom": "com.pyxis.greenhopper.jira:gh-sprint",
            "customId": 10020,
        },
    ),
    (
        STORY_POINTS_FIELD,
        "Story Points",
        {"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points", "customId": 10016},
    ),
    (
        RANK_FIELD,
        "Rank",
        {"type": "any", "custom": "com.pyxis.greenhopper.jira:gh-lexo-rank", "customId": 10019},
    ),
    (
        CUSTOMER_IMPACT_FIELD,
        "Customer Impact",
        {
            "type": "option",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
            "customId": 10042,
        },
    ),
    (
        TEAM_FIELD,
        "Team",
        {
            "type": "team",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team",
            "customId": 10077,
        },
    ),
)
NON_NAVIGABLE = frozenset({"comment", "worklog"})  # `*navigable` leaves these out

# Where engineers sit (org.vocabulary.LOCATIONS) -> the IANA zone their Jira profile shows.
LOCATION_ZONES: dict[str, str] = {
    "San Francisco, CA": "America/Los_Angeles",
    "New York, NY": "America/New_York",
    "Sao Paulo, Brazil": "America/Sao_Paulo",
    "London, UK": "Europe/London",
    "Berlin, Germany": "Europe/Berlin",
    "Warsaw, Poland": "Europe/Warsaw",
    "Kyiv, Ukraine": "Europe/Kyiv",
    "Istanbul, Turkey": "Europe/Istanbul",
    "Bengaluru, India": "Asia/Kolkata",
    "Tokyo, Japan": "Asia/Tokyo",
}
# People who use Jira but have no GitHub account here: product, design, QA.
JIRA_ONLY_PEOPLE: tuple[tuple[str, str], ...] = (
    ("Morgan Ellery", "America/New_York"),
    ("Jordan Blakely", "Europe/London"),
    ("Taylor Quaid", "America/Los_Angeles"),
)
APP_USERS: tuple[tuple[str, str], ...] = (  # (accountId, displayName): Jira's own app accounts
    ("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", "Automation for Jira"),
    ("5d9b2f3c8e4a1c0c3b7a9e11", "GitHub for Jira"),
)
ABSENT_REPORTER = ("712020:0b3c5d7e-1f2a-4b6c-8d9e-a0b1c2d3e4f5", "Casey Nolan")  # not listed by /users

ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}
INCIDENT_SUMMARIES: tuple[str, ...] = (
    "Elevated 5xx rate on the public API",
    "Checkout latency above SLO",
    "Payment webhooks delayed",
    "Login failures for SSO customers",
    "Search index lagging behind",
    "Nightly export job failed",
    "Push notifications not delivered",
    "Database CPU saturation",
)
COMMENT_SENTENCES: tuple[str, ...] = (
    "I had a look at this and it reproduces on staging.",
    "The PR is up, could someone review it?",
    "Moving this back, the edge case with empty carts is not covered yet.",
    "Customer confirmed the fix works for them.",
    "We agreed in refinement to split this into two stories.",
    "Blocked until the schema migration lands.",
    "Added logs around the retry path; waiting for the next occurrence.",
    "This is done from the engineering side, QA can pick it up.",
    "Can we get an estimate before planning?",
    "Rolled out to 10% of traffic, metrics look fine so far.",
)
DESCRIPTION_SENTENCES: tuple[str, ...] = (
    "As a merchant I want this to behave consistently across regions.",
    "Acceptance criteria: the happy path and the two error cases from the spec are covered by tests.",
    "Context: reported by support after the last release.",
    "Out of scope: the admin UI.",
    "Steps to reproduce are in the linked support ticket.",
)
WORKLOG_COMMENTS: tuple[str, ...] = ("Implementation", "Code review", "Investigation", "Testing", "Pairing")
LABELS: tuple[str, ...] = ("backend", "frontend", "tech-debt", "customer", "security", "performance")
