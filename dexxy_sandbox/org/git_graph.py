"""A repository's commit graph: the default branch's history, branches, ref resolution and compare.

Repositories only allow squash merges, so the default branch is a straight line: a baseline commit (its tip
when the generated history starts, already deployed) and then one squash commit per merged PR, in merge order,
each the child of the one before. A PR's own commits fork from the default-branch commit that was the tip when
its first commit was made. That is all `GET /compare/{base}...{head}` needs: the merge base is where the two
ancestries part, `commits` are what `head` has that `base` does not (oldest first), and `status` is
ahead/behind/identical/diverged as git would say.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from dexxy_sandbox.org.github_ids import baseline_sha, commit_sha, stable_sha
from dexxy_sandbox.org.model import CheckRun, Commit, PullRequest, Repository, SyntheticOrg
from dexxy_sandbox.org.timeline import DAY, HOUR, day_start, to_datetime

COMPARE_COMMITS_CAP = 250  # without paging parameters, compare lists at most this many (the newest)
_HEX = re.compile(r"^[0-9a-f]{7,40}$")
_WEB_FLOW = ("GitHub", "noreply@github.com", "web-flow")


def baseline_time(start: dt.date) -> int:
    """When the baseline commit was made: two days before the generated history starts."""
    return day_start(start) - 2 * DAY + 16 * HOUR


@dataclass(frozen=True)
class Position:
    """Where a commit sits: on the default branch (`main_index`) or a PR's branch (`pr`, `commit_index`)."""

    sha: str
    main_index: int | None = None
    pr: PullRequest | None = None
    commit_index: int | None = None


@dataclass(frozen=True)
class Comparison:
    status: str  # ahead, behind, identical or diverged
    ahead_by: int
    behind_by: int
    base: Position
    merge_base: Position
    commits: list[Position]  # what head has and base lacks, oldest first


@dataclass
class RepositoryGraph:
    org: SyntheticOrg
    repo: Repository
    commits: list[Commit] = field(default_factory=list)  # the default branch, oldest first
    merged: list[PullRequest | None] = field(default_factory=list)  # the PR behind each (None: baseline)
    _main_index: dict[str, int] = field(default_factory=dict)
    _main_times: list[int] = field(default_factory=list)
    _pr_commits: dict[str, tuple[PullRequest, int]] | None = None
    _branches: dict[str, PullRequest] = field(default_factory=dict)

    def __post_init__(self) -> None:
        org, repo = self.org, self.repo
        pulls = org.pulls(repo.name)
        merged = sorted((pr for pr in pulls if pr.merged_at), key=lambda pr: (pr.merged_at, pr.number))
        base_ts = baseline_time(org.start)
        tip = Commit(
            sha=baseline_sha(repo.id),
            tree_sha=stable_sha("tree", "baseline", repo.id),
            parent_sha=stable_sha("baseline-parent", repo.id),
            message=f"chore(release): cut {to_datetime(base_ts):%Y.%m.%d}",
            author_name=_WEB_FLOW[0],
            author_email=_WEB_FLOW[1],
            author_login=_WEB_FLOW[2],
            authored_at=to_datetime(base_ts),
            committer_name=_WEB_FLOW[0],
            committer_email=_WEB_FLOW[1],
            committer_login=_WEB_FLOW[2],
            committed_at=to_datetime(base_ts),
            verified=True,
        )
        self.commits.append(tip)
        self.merged.append(None)
        for pr in merged:
            tip = self._squash_commit(pr, tip.sha)
            self.commits.append(tip)
            self.merged.append(pr)
        self._main_index = {commit.sha: index for index, commit in enumerate(self.commits)}
        self._main_times = [int(commit.committed_at.timestamp()) for commit in self.commits]
        for pr in pulls:  # numbers grow with time: a reused branch name points at its newest PR
            self._branches[pr.head_ref] = pr

    def _squash_commit(self, pr: PullRequest, parent: str) -> Commit:
        account = self.org.account(pr.author)
        name = (account.name if account else None) or pr.author
        email = (account.email if account else None) or f"{pr.author}@users.noreply.github.com"
        login = account.login if account and not account.deleted else None
        assert pr.merged_at is not None and pr.merge_commit_sha is not None
        body = (pr.body or "").strip()
        return Commit(
            sha=pr.merge_commit_sha,
            tree_sha=stable_sha("tree", "merge", pr.commit_plan.seed),
            parent_sha=parent,
            message=f"{pr.title} (#{pr.number})" + (f"\n\n{body}" if body else ""),
            author_name=name,
            author_email=email,
            author_login=login,
            authored_at=pr.merged_at,
            committer_name=_WEB_FLOW[0],
            committer_email=_WEB_FLOW[1],
            committer_login=_WEB_FLOW[2],
            committed_at=pr.merged_at,
            verified=True,
        )

    # ----- refs -----
    def _pr_commit_index(self) -> dict[str, tuple[PullRequest, int]]:
        if self._pr_commits is None:
            self._pr_commits = {
                commit_sha(pr.commit_plan.seed, index): (pr, index)
                for pr in self.org.pulls(self.repo.name)
                for index in range(pr.commit_count)
            }
        return self._pr_commits

    def tip(self) -> Position:
        return Position(self.commits[-1].sha, main_index=len(self.commits) - 1)

    def resolve(self, ref: str) -> Position | None:
        """A full or abbreviated SHA, the default branch or a PR's head branch (optionally `owner:branch`)."""
        ref = ref.strip()
        if ":" in ref:
            owner, _, ref = ref.partition(":")
            if owner.lower() != self.org.login.lower():
                return None
        for prefix in ("refs/heads/", "heads/"):
            ref = ref.removeprefix(prefix)
        if ref == self.repo.default_branch:
            return self.tip()
        lowered = ref.lower()
        if _HEX.match(lowered):
            found = self._by_sha(lowered)
            if found is not None:
                return found
        pr = self._branches.get(ref)
        if pr is not None:
            return Position(pr.head_sha, pr=pr, commit_index=pr.commit_count - 1)
        return None

    def _by_sha(self, sha: str) -> Position | None:
        if len(sha) < 40:
            matches = [s for s in (*self._main_index, *self._pr_commit_index()) if s.startswith(sha)]
            if len(matches) != 1:
                return None
            sha = matches[0]
        if sha in self._main_index:
            return Position(sha, main_index=self._main_index[sha])
        found = self._pr_commit_index().get(sha)
        if found is None:
            return None
        pr, index = found
        return Position(sha, pr=pr, commit_index=index)

    def commit(self, position: Position) -> Commit:
        if position.main_index is not None:
            return self.commits[position.main_index]
        assert position.pr is not None and position.commit_index is not None
        return self.org.commits(position.pr)[position.commit_index]

    def merged_pull(self, position: Position) -> PullRequest | None:
        """The PR whose squash commit this is (None for PR-branch commits and the baseline)."""
        return self.merged[position.main_index] if position.main_index is not None else None

    # ----- history -----
    def _fork_index(self, pr: PullRequest) -> int:
        """The default-branch commit a PR's branch started from."""
        first = int(pr.commit_plan.first_commit_at.timestamp())
        return max(bisect_right(self._main_times, first) - 1, 0)

    def ancestry(self, position: Position) -> list[Position]:
        """Every commit reachable from `position`, oldest first (a straight line: squash merges only)."""
        if position.main_index is not None:
            last = position.main_index
            return [Position(c.sha, main_index=i) for i, c in enumerate(self.commits[: last + 1])]
        pr, index = position.pr, position.commit_index
        assert pr is not None and index is not None
        fork = self._fork_index(pr)
        main = [Position(c.sha, main_index=i) for i, c in enumerate(self.commits[: fork + 1])]
        seed = pr.commit_plan.seed
        return main + [Position(commit_sha(seed, k), pr=pr, commit_index=k) for k in range(index + 1)]

    def compare(self, base: Position, head: Position) -> Comparison:
        base_line, head_line = self.ancestry(base), self.ancestry(head)
        common = 0
        for left, right in zip(base_line, head_line, strict=False):
            if left.sha != right.sha:
                break
            common += 1
        ahead, behind = head_line[common:], base_line[common:]
        if not ahead and not behind:
            status = "identical"
        elif not behind:
            status = "ahead"
        elif not ahead:
            status = "behind"
        else:
            status = "diverged"
        merge_base = base_line[common - 1] if common else base_line[0]
        return Comparison(status, len(ahead), len(behind), base, merge_base, ahead)

    def check_runs(self, ref: str) -> tuple[CheckRun, ...] | None:
        position = self.resolve(ref)
        if position is None:
            return None
        if position.main_index is not None:
            pr = self.merged[position.main_index]
            return self.org.check_runs_for(pr, None) if pr is not None else ()
        assert position.pr is not None
        return self.org.check_runs_for(position.pr, position.commit_index)


def build_repository_graph(org: SyntheticOrg, repo: Repository) -> RepositoryGraph:
    return RepositoryGraph(org, repo)
