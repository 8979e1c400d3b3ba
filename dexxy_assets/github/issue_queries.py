"""The GraphQL documents of issues and discussions (validated against GitHub's schema with the others).

A page of 50 issues asks for four nested connections each (labels, assignees, comments, the state
timeline): 1 + 50 x 4 = 201 requests, 2 points; a page of 25 discussions with their comments and each
comment's replies: 1 + 25 + 25 x 25 = 651 requests, 7 points (GitHub's arithmetic, ``cost`` in the sandbox).
"""

from __future__ import annotations

ISSUE_PAGE_SIZE = 50
DISCUSSION_PAGE_SIZE = 25
LIMITS = {"labels": 50, "assignees": 20, "comments": 100, "timeline": 100, "dcomments": 25, "replies": 25}
_ACTOR = "__typename login"

ISSUE_FIELDS = f"""
id databaseId number title state stateReason createdAt updatedAt closedAt url
repository {{ nameWithOwner }}
author {{ {_ACTOR} }}
labels(first: {LIMITS["labels"]}) {{ totalCount nodes {{ name }} }}
assignees(first: {LIMITS["assignees"]}) {{ totalCount nodes {{ login }} }}
comments(first: {LIMITS["comments"]}) {{
  totalCount
  nodes {{ id databaseId url createdAt updatedAt author {{ {_ACTOR} }} }}
}}
timelineItems(first: {LIMITS["timeline"]}, itemTypes: [CLOSED_EVENT, REOPENED_EVENT, TRANSFERRED_EVENT]) {{
  totalCount
  nodes {{
    __typename
    ... on ClosedEvent {{
      createdAt stateReason actor {{ {_ACTOR} }}
      closer {{ __typename ... on PullRequest {{ number mergeCommit {{ oid }} }} ... on Commit {{ oid }} }}
    }}
    ... on ReopenedEvent {{ createdAt actor {{ {_ACTOR} }} }}
    ... on TransferredEvent {{ createdAt fromRepository {{ nameWithOwner }} }}
  }}
}}
"""

REPOSITORY_ISSUES = f"""
query DexxyRepositoryIssues($owner: String!, $name: String!, $since: DateTime!, $after: String) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    issues(
      first: {ISSUE_PAGE_SIZE}, after: $after, filterBy: {{ since: $since }},
      orderBy: {{ field: UPDATED_AT, direction: ASC }}
    ) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {ISSUE_FIELDS} }}
    }}
  }}
}}
"""

_COMMENT_FIELDS = f"id databaseId url createdAt updatedAt isAnswer author {{ {_ACTOR} }} replyTo {{ id }}"

REPOSITORY_DISCUSSIONS = f"""
query DexxyRepositoryDiscussions($owner: String!, $name: String!, $after: String) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    discussions(
      first: {DISCUSSION_PAGE_SIZE}, after: $after, orderBy: {{ field: UPDATED_AT, direction: DESC }}
    ) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id databaseId number title url createdAt updatedAt closed closedAt stateReason
        isAnswered answerChosenAt
        answer {{ id }}
        answerChosenBy {{ {_ACTOR} }}
        author {{ {_ACTOR} }}
        category {{ name isAnswerable }}
        repository {{ nameWithOwner }}
        comments(first: {LIMITS["dcomments"]}) {{
          totalCount
          nodes {{
            {_COMMENT_FIELDS}
            replies(first: {LIMITS["replies"]}) {{ totalCount nodes {{ {_COMMENT_FIELDS} }} }}
          }}
        }}
      }}
    }}
  }}
}}
"""

# Does each staged discussion still exist? A deleted one comes back null (GitHub: with NOT_FOUND).
DISCUSSIONS_EXIST = """
query DexxyDiscussionsExist($ids: [ID!]!) {
  rateLimit { cost remaining resetAt nodeCount }
  nodes(ids: $ids) { __typename id }
}
"""

ISSUE_DOCUMENTS = {
    "REPOSITORY_ISSUES": REPOSITORY_ISSUES,
    "REPOSITORY_DISCUSSIONS": REPOSITORY_DISCUSSIONS,
    "DISCUSSIONS_EXIST": DISCUSSIONS_EXIST,
}
