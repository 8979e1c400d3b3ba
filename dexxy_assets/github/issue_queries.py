"""The GraphQL documents of issues and discussions (validated against GitHub's schema with the others).

A page of 50 issues asks for four nested connections each (labels, assignees, comments, the state
timeline): 1 + 50 x 4 = 201 requests, 2 points; a page of 25 discussions with their comments and each
comment's replies: 1 + 25 + 25 x 25 = 651 requests, 7 points (GitHub's arithmetic, ``cost`` in the sandbox).
A list longer than its page is read on, for that issue or discussion only, with the ``*_PAGE`` documents
(``after: endCursor``; ``connection_pages``).
"""

from __future__ import annotations

ISSUE_PAGE_SIZE = 50
DISCUSSION_PAGE_SIZE = 25
LIMITS = {"labels": 50, "assignees": 20, "comments": 100, "timeline": 100, "dcomments": 25, "replies": 25}
_ACTOR = "__typename login"

_PAGE_INFO = "pageInfo { hasNextPage endCursor }"
_ISSUE_COMMENT = f"id databaseId url createdAt updatedAt author {{ {_ACTOR} }}"
_TIMELINE_ITEM = f"""__typename
    ... on ClosedEvent {{
      createdAt stateReason actor {{ {_ACTOR} }}
      closer {{ __typename ... on PullRequest {{ number mergeCommit {{ oid }} }} ... on Commit {{ oid }} }}
    }}
    ... on ReopenedEvent {{ createdAt actor {{ {_ACTOR} }} }}
    ... on TransferredEvent {{ createdAt fromRepository {{ nameWithOwner }} }}"""
# an issue's connections: (page size in the listing, other arguments, what each node holds)
ISSUE_CONNECTIONS = {
    "labels": (LIMITS["labels"], "", "name"),
    "assignees": (LIMITS["assignees"], "", "login"),
    "comments": (LIMITS["comments"], "", _ISSUE_COMMENT),
    "timelineItems": (
        LIMITS["timeline"],
        ", itemTypes: [CLOSED_EVENT, REOPENED_EVENT, TRANSFERRED_EVENT]",
        _TIMELINE_ITEM,
    ),
}
REREAD_PAGE_SIZE = 100  # GitHub's largest page: the rest of one issue's list, one connection at a time


def _issue_connection(child: str, first: int, after: str = "") -> str:
    _, arguments, node = ISSUE_CONNECTIONS[child]
    return f"{child}(first: {first}{after}{arguments}) {{ totalCount {_PAGE_INFO} nodes {{ {node} }} }}"


ISSUE_FIELDS = f"""
id databaseId number title state stateReason createdAt updatedAt closedAt url
repository {{ nameWithOwner }}
author {{ {_ACTOR} }}
""" + "\n".join(_issue_connection(child, limit) for child, (limit, _, _) in ISSUE_CONNECTIONS.items())

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
_DISCUSSION_COMMENTS = f"""totalCount {_PAGE_INFO}
nodes {{
  {_COMMENT_FIELDS}
  replies(first: {LIMITS["replies"]}) {{ totalCount {_PAGE_INFO} nodes {{ {_COMMENT_FIELDS} }} }}
}}"""

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
        comments(first: {LIMITS["dcomments"]}) {{ {_DISCUSSION_COMMENTS} }}
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

# The rest of a list longer than the listing's page, after its endCursor, for one issue or discussion
ISSUE_CONNECTION_PAGES = {
    child: f"""
query DexxyIssue{child[0].upper()}{child[1:]}(
  $owner: String!, $name: String!, $number: Int!, $after: String!
) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    issue(number: $number) {{ {_issue_connection(child, REREAD_PAGE_SIZE, ", after: $after")} }}
  }}
}}
"""
    for child in ISSUE_CONNECTIONS
}

DISCUSSION_COMMENTS_PAGE = f"""
query DexxyDiscussionComments($owner: String!, $name: String!, $number: Int!, $after: String!) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    discussion(number: $number) {{
      comments(first: {LIMITS["dcomments"]}, after: $after) {{ {_DISCUSSION_COMMENTS} }}
    }}
  }}
}}
"""

DISCUSSION_REPLIES_PAGE = f"""
query DexxyDiscussionReplies($id: ID!, $after: String!) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  node(id: $id) {{
    ... on DiscussionComment {{
      replies(first: {REREAD_PAGE_SIZE}, after: $after) {{
        totalCount {_PAGE_INFO} nodes {{ {_COMMENT_FIELDS} }}
      }}
    }}
  }}
}}
"""

ISSUE_DOCUMENTS = {
    "REPOSITORY_ISSUES": REPOSITORY_ISSUES,
    "REPOSITORY_DISCUSSIONS": REPOSITORY_DISCUSSIONS,
    "DISCUSSIONS_EXIST": DISCUSSIONS_EXIST,
    "DISCUSSION_COMMENTS_PAGE": DISCUSSION_COMMENTS_PAGE,
    "DISCUSSION_REPLIES_PAGE": DISCUSSION_REPLIES_PAGE,
    **{f"ISSUE_{child.upper()}_PAGE": document for child, document in ISSUE_CONNECTION_PAGES.items()},
}
