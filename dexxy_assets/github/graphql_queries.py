"""The GraphQL documents the bulk path sends. Every one is validated against GitHub's published schema in
the tests. Connection sizes are chosen so that a page of pull requests costs few points (GitHub charges the
number of nested connection requests / 100); a pull request whose connection overflows is re-read over REST.
"""

from __future__ import annotations

from dexxy_assets.github.issue_queries import ISSUE_DOCUMENTS

PAGE_SIZE = 100  # the most GitHub allows; a last, smaller page asks for exactly what is left
# GitHub charges one request per connection per parent, whatever its size: a first-level connection costs
# one request per pull request even at 100, while each review thread adds a nested one. So the first level
# asks for the most it may, and the nested parents are few: 8 + 8 threads + 1 rollup = 17 requests per pull
# request, 0.17 points. The head commit's check runs come from its status-check rollup (one connection)
# rather than its check suites and their runs (1 + 3 suites: 4 requests).
CONNECTION_LIMITS = {
    "labels": 50,
    "timelineItems": 50,
    "reviews": 100,
    "commits": 100,
    "files": 100,
    "comments": 100,
    "reviewThreads": 8,
    "threadComments": 50,
    "checkContexts": 100,
}

_ACTOR = "__typename login ... on User { databaseId } ... on Bot { databaseId }"

# The rollup's contexts are the commit's latest check runs (as REST's `filter=latest`) and its commit
# statuses, which Dexxy does not keep; each run names its suite's app. A null rollup: no checks, no statuses.
HEAD_CHECKS = f"""
statusCheckRollup {{
  contexts(first: {CONNECTION_LIMITS["checkContexts"]}) {{
    totalCount
    nodes {{
      __typename
      ... on CheckRun {{
        databaseId name status conclusion startedAt completedAt checkSuite {{ app {{ slug }} }}
      }}
    }}
  }}
}}
"""

PULL_REQUEST_FIELDS = f"""
id databaseId number title body url state isDraft createdAt updatedAt closedAt mergedAt
repository {{ nameWithOwner }}
additions deletions changedFiles headRefName baseRefName headRefOid
author {{ {_ACTOR} }}
mergedBy {{ {_ACTOR} }}
mergeCommit {{ oid }}
labels(first: {CONNECTION_LIMITS["labels"]}) {{ totalCount nodes {{ name }} }}
timelineItems(
  first: {CONNECTION_LIMITS["timelineItems"]}, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]
) {{
  totalCount
  nodes {{ __typename ... on ReadyForReviewEvent {{ createdAt }} ... on ConvertToDraftEvent {{ createdAt }} }}
}}
reviews(first: {CONNECTION_LIMITS["reviews"]}) {{
  totalCount
  nodes {{ databaseId state submittedAt body author {{ {_ACTOR} }} commit {{ oid }} }}
}}
commits(first: {CONNECTION_LIMITS["commits"]}) {{
  totalCount
  nodes {{
    commit {{
      oid message authoredDate committedDate
      author {{ name email user {{ login databaseId }} }}
      committer {{ user {{ login }} }}
    }}
  }}
}}
files(first: {CONNECTION_LIMITS["files"]}) {{ totalCount nodes {{ path additions deletions changeType }} }}
comments(first: {CONNECTION_LIMITS["comments"]}) {{
  totalCount
  nodes {{ databaseId body createdAt updatedAt author {{ {_ACTOR} }} }}
}}
reviewThreads(first: {CONNECTION_LIMITS["reviewThreads"]}) {{
  totalCount
  nodes {{
    comments(first: {CONNECTION_LIMITS["threadComments"]}) {{
      totalCount
      nodes {{ databaseId body path line createdAt updatedAt replyTo {{ databaseId }} author {{ {_ACTOR} }} }}
    }}
  }}
}}
headCommit: commits(last: 1) {{ nodes {{ commit {{ oid {HEAD_CHECKS} }} }} }}
"""

SEARCH_PULL_REQUESTS = f"""
query DexxyPullRequestWindow($query: String!, $first: Int!, $after: String) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  search(type: ISSUE, query: $query, first: $first, after: $after) {{
    issueCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ ... on PullRequest {{ {PULL_REQUEST_FIELDS} }} }}
  }}
}}
"""

COUNT_PULL_REQUESTS = """
query DexxyPullRequestCount($query: String!) {
  rateLimit { cost remaining resetAt nodeCount }
  search(type: ISSUE, query: $query, first: 1) { issueCount }
}
"""

# ``commits(last: 1)`` is the head only while a pull request has at most 250 commits (GitHub lists no more):
# beyond that, or whenever its oid is not ``headRefOid``, the head commit is read by its oid.
HEAD_COMMIT_CHECKS = f"""
query DexxyHeadCommitChecks($owner: String!, $name: String!, $oid: GitObjectID!) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    object(oid: $oid) {{ ... on Commit {{ oid {HEAD_CHECKS} }} }}
  }}
}}
"""

ALL_DOCUMENTS = {
    "SEARCH_PULL_REQUESTS": SEARCH_PULL_REQUESTS,
    "COUNT_PULL_REQUESTS": COUNT_PULL_REQUESTS,
    "HEAD_COMMIT_CHECKS": HEAD_COMMIT_CHECKS,
    **ISSUE_DOCUMENTS,  # issues and discussions (issue_queries.py)
}
