"""The text and placement of a pull request's comments, generated on demand from its comment stamps.

Who wrote each comment and when was planned with the PR (`conversation_planner`, recorded as
`PullRequest.issue_comment_stamps` / `review_comment_stamps`). Here the words are chosen, and inline comments
are placed on a real line of one of the PR's patches: `path`, `line`, `side`, `position` and a `diff_hunk`
that ends at that line, as GitHub shows them. Replies share their thread's placement.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dexxy_sandbox.org import vocabulary as vocab
from dexxy_sandbox.org.conversation_planner import CI_BOT
from dexxy_sandbox.org.model import ChangedFile, IssueComment, PullRequest, ReviewComment, SyntheticOrg
from dexxy_sandbox.org.path_vocabulary import CODE_WORDS
from dexxy_sandbox.org.pr_planner import COPILOT_REVIEWER

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class DiffLine:
    """A commentable line of a patch."""

    position: int  # index below the first hunk header, counting later headers (GitHub's `position`)
    side: str  # RIGHT for added and context lines, LEFT for removed ones
    line: int  # the line number in that side's file
    kind: str  # "+", "-" or " "
    text: str
    diff_hunk: str  # the hunk from its header down to this line


def diff_lines(patch: str) -> Iterator[DiffLine]:
    """Every line of `patch` a review comment can sit on."""
    old = new = 0
    hunk: list[str] = []
    position = -1
    for raw in patch.split("\n"):
        position += 1
        found = _HUNK_HEADER.match(raw)
        if found:
            old, new = int(found.group(1)), int(found.group(2))
            hunk = [raw]
            continue
        hunk.append(raw)
        kind, text = raw[:1] or " ", raw[1:]
        if kind == "-":
            yield DiffLine(position, "LEFT", old, kind, text, "\n".join(hunk))
            old += 1
        else:
            yield DiffLine(position, "RIGHT", new, kind, text, "\n".join(hunk))
            old, new = (old + 1, new + 1) if kind == " " else (old, new + 1)


def generate_issue_comments(org: SyntheticOrg, pr: PullRequest) -> tuple[IssueComment, ...]:
    rng = random.Random(pr.commit_plan.seed ^ 0x155E_C033)
    reviewers = [r.reviewer for r in pr.reviews if r.reviewer != pr.author] or [pr.author]
    comments = []
    for stamp in pr.issue_comment_stamps:
        if stamp.author == CI_BOT:
            body = rng.choice(vocab.CI_BOT_COMMENTS).format(
                pct=round(rng.uniform(62, 94), 1),
                delta=f"{rng.uniform(-1.5, 2.5):+.1f}%",
                branch_pct=round(rng.uniform(50, 90), 1),
                sha=pr.head_sha[:7],
                number=pr.number,
            )
        elif stamp.author == pr.author:
            body = rng.choice(vocab.AUTHOR_ISSUE_COMMENTS).format(reviewer=rng.choice(reviewers))
        else:
            body = rng.choice(vocab.OTHER_ISSUE_COMMENTS)
        comments.append(
            IssueComment(stamp.id, pr.repo, pr.number, stamp.author, body, stamp.created_at, stamp.updated_at)
        )
    return tuple(comments)


def generate_review_comments(org: SyntheticOrg, pr: PullRequest) -> tuple[ReviewComment, ...]:
    if not pr.review_comment_stamps:
        return ()
    rng = random.Random(pr.commit_plan.seed ^ 0x4E71_E3C0)
    files = org.files(pr)
    targets = [f for f in files if f.patch] or list(files)
    reviews = {review.id: review for review in pr.reviews}
    roots: dict[int, ReviewComment] = {}
    comments: list[ReviewComment] = []
    for stamp in pr.review_comment_stamps:
        root = roots.get(stamp.in_reply_to_id or -1)
        if root is not None:  # a reply: same place as the thread's first comment
            if stamp.author == pr.author:
                body = rng.choice(vocab.AUTHOR_REPLIES).format(sha=pr.head_sha[:7])
            else:
                body = rng.choice(vocab.REVIEWER_FOLLOW_UPS)
            comment = ReviewComment(
                id=stamp.id,
                repo=pr.repo,
                number=pr.number,
                author=stamp.author,
                body=body,
                created_at=stamp.created_at,
                updated_at=stamp.updated_at,
                review_id=None,
                in_reply_to_id=root.id,
                path=root.path,
                line=root.line,
                side=root.side,
                position=root.position,
                diff_hunk=root.diff_hunk,
                commit_id=root.commit_id,
                original_commit_id=root.original_commit_id,
            )
        else:
            review = reviews.get(stamp.review_id or -1)
            commit_id = review.commit_id if review else pr.head_sha
            target = rng.choice(targets)
            place = _place(rng, target)
            word = rng.choice(CODE_WORDS)
            if stamp.author == COPILOT_REVIEWER:
                body = rng.choice(vocab.BOT_REVIEW_COMMENTS).format(word=word)
            else:
                line_text = place.text.strip() if place else word
                body = rng.choice(vocab.REVIEW_COMMENTS).format(word=f"{word}_id", line=line_text)
            comment = ReviewComment(
                id=stamp.id,
                repo=pr.repo,
                number=pr.number,
                author=stamp.author,
                body=body,
                created_at=stamp.created_at,
                updated_at=stamp.updated_at,
                review_id=stamp.review_id,
                in_reply_to_id=None,
                path=target.filename,
                line=place.line if place else None,
                side=place.side if place else "RIGHT",
                position=place.position if place else None,
                diff_hunk=place.diff_hunk if place else f"@@ -0,0 +0,0 @@ {target.filename}",
                commit_id=commit_id,
                original_commit_id=commit_id,
            )
            roots[stamp.id] = comment
        comments.append(comment)
    return tuple(comments)


def _place(rng: random.Random, target: ChangedFile) -> DiffLine | None:
    """A line to comment on: usually an added one, sometimes a removed or unchanged one."""
    if not target.patch:
        return None
    lines = list(diff_lines(target.patch))
    wanted = rng.choices(("+", "-", " "), weights=(80, 15, 5))[0]
    preferred = [line for line in lines if line.kind == wanted] or lines
    return rng.choice(preferred) if preferred else None
