"""Renders the synthetic org in the GitHub REST API's JSON shapes.

Shapes follow the operation's 200 schema in GitHub's OpenAPI description (checked by the sandbox tests), with
`*_url` fields pointing at the sandbox: API links under the REST root, web (`html_url`) links under the server
root, as github.com and api.github.com are laid out. User and repository objects, which every PR repeats
several times, are built once and shared.
"""

from __future__ import annotations

import datetime as dt
import zlib
from urllib.parse import quote

from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.model import Account, Commit, PullRequest, Repository, Review, SyntheticOrg

Json = dict[str, object]

_LABEL_STYLE: dict[str, tuple[str, str, bool]] = {
    "bug": ("d73a4a", "Something isn't working", True),
    "enhancement": ("a2eeef", "New feature or request", True),
    "documentation": ("0075ca", "Improvements or additions to documentation", True),
    "dependencies": ("0366d6", "Pull requests that update a dependency file", False),
    "hotfix": ("b60205", "Urgent fix for production", False),
    "revert": ("fbca04", "Reverts an earlier change", False),
}


def iso(value: dt.datetime | None) -> str | None:
    """GitHub's timestamp format: `2024-05-01T12:00:00Z`."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


class GitHubPayloads:
    """Builds REST payloads for one org served at `api_root` (REST) and `web_root` (html links)."""

    def __init__(self, org: SyntheticOrg, api_root: str, web_root: str) -> None:
        self.org = org
        self.api = api_root.rstrip("/")
        self.web = web_root.rstrip("/")
        self._users: dict[str, Json] = {}
        self._repos: dict[tuple[str, bool], Json] = {}
        self._org_owner = self._simple_user_dict(org.login, org.id, org.node_id, "Organization")

    # ----- users -----
    def _simple_user_dict(self, login: str, user_id: int, node_id: str, type_: str) -> Json:
        api = f"{self.api}/users/{quote(login)}"
        html = f"{self.web}/apps/{login.removesuffix('[bot]')}" if type_ == "Bot" else f"{self.web}/{login}"
        return {
            "login": login,
            "id": user_id,
            "node_id": node_id,
            "avatar_url": f"{self.web}/avatars/u/{user_id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": html,
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": type_,
            "user_view_type": "public",
            "site_admin": False,
        }

    def simple_user(self, login: str | None) -> Json | None:
        """A `simple-user`, or None for unknown and deleted accounts (the API's `user: null`)."""
        if login is None:
            return None
        account = self.org.account(login)
        if account is None or account.deleted:
            return None
        cached = self._users.get(account.login)
        if cached is None:
            cached = self._simple_user_dict(account.login, account.id, account.node_id, account.type)
            self._users[account.login] = cached
        return cached

    def user_or_ghost(self, login: str) -> Json:
        """Where the schema forbids null (PR detail), GitHub substitutes the `ghost` user for deleted ones."""
        return self.simple_user(login) or self.simple_user("ghost") or {}

    def organization_owner(self) -> Json:
        return self._org_owner

    def public_user(self, account: Account) -> Json:
        """GET /users/{username} (`public-user`)."""
        base = self.simple_user(account.login) or {}
        return {
            **base,
            "name": account.name,
            "company": account.company,
            "blog": "",
            "location": account.location,
            "email": account.public_email,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": account.id % 12 if account.is_engineer else 0,
            "public_gists": 0,
            "followers": account.id % 97,
            "following": account.id % 31,
            "created_at": iso(account.created_at),
            "updated_at": iso(max(account.created_at, self.org.as_of - dt.timedelta(days=account.id % 40))),
        }

    def organization(self) -> Json:
        """GET /orgs/{org} (`organization-full`)."""
        org = self.org
        api = f"{self.api}/orgs/{org.login}"
        return {
            "login": org.login,
            "id": org.id,
            "node_id": org.node_id,
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": self._org_owner["avatar_url"],
            "description": "Synthetic organisation served by the Dexxy sandbox",
            "name": org.name,
            "company": org.name,
            "blog": "https://dexxy.example",
            "location": "Remote",
            "email": "engineering@dexxy.example",
            "twitter_username": None,
            "is_verified": False,
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": sum(1 for r in org.repositories if not r.private),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "html_url": f"{self.web}/{org.login}",
            "type": "Organization",
            "total_private_repos": sum(1 for r in org.repositories if r.private),
            "owned_private_repos": sum(1 for r in org.repositories if r.private),
            "created_at": iso(org.created_at),
            "updated_at": iso(org.as_of),
            "archived_at": None,
        }

    # ----- repositories -----
    def repository(self, repo: Repository, full: bool = False) -> Json:
        """`minimal-repository` for lists and PR heads/bases, `full-repository` (full=True) for GET /repos."""
        key = (repo.name, full)
        cached = self._repos.get(key)
        if cached is None:
            cached = self._repository_dict(repo, full)
            self._repos[key] = cached
        return cached

    def _repository_dict(self, repo: Repository, full: bool) -> Json:
        full_name = f"{self.org.login}/{repo.name}"
        api = f"{self.api}/repos/{full_name}"
        html = f"{self.web}/{full_name}"
        host = self.web.split("://", 1)[-1]
        open_count = sum(1 for pr in self.org.pulls(repo.name) if pr.state == "open")
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        payload: Json = {
            "id": repo.id,
            "node_id": repo.node_id,
            "name": repo.name,
            "full_name": full_name,
            "private": repo.private,
            "owner": self._org_owner,
            "html_url": html,
            "description": repo.description,
            "fork": False,
            "url": api,
            **{field: api + suffix for field, suffix in templated.items()},
            "git_url": f"git://{host}/{full_name}.git",
            "ssh_url": f"git@{host}:{full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "mirror_url": None,
            "homepage": None,
            "language": repo.language,
            "forks_count": 0,
            "stargazers_count": repo.stargazers,
            "watchers_count": repo.stargazers,
            "size": repo.size_kb,
            "default_branch": repo.default_branch,
            "open_issues_count": open_count,
            "is_template": False,
            "topics": list(repo.topics),
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": repo.visibility,
            "pushed_at": iso(repo.pushed_at),
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.updated_at),
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
            "allow_forking": not repo.private,
            "web_commit_signoff_required": False,
            "license": self._license(repo),
            "forks": 0,
            "open_issues": open_count,
            "watchers": repo.stargazers,
        }
        if full:
            payload.update(
                {
                    "organization": self._org_owner,
                    "network_count": 0,
                    "subscribers_count": max(len(self.org.engineers) // 2, 1),
                    "allow_rebase_merge": False,
                    "allow_squash_merge": True,
                    "allow_merge_commit": False,
                    "allow_auto_merge": True,
                    "allow_update_branch": True,
                    "delete_branch_on_merge": True,
                    "use_squash_pr_title_as_default": True,
                    "squash_merge_commit_title": "PR_TITLE",
                    "squash_merge_commit_message": "PR_BODY",
                    "merge_commit_title": "MERGE_MESSAGE",
                    "merge_commit_message": "PR_TITLE",
                }
            )
        return payload

    def _license(self, repo: Repository) -> Json | None:
        """Public repositories are MIT-licensed; private ones have no license file."""
        if repo.private:
            return None
        return {
            "key": "mit",
            "name": "MIT License",
            "spdx_id": "MIT",
            "url": f"{self.api}/licenses/mit",
            "node_id": "MDc6TGljZW5zZTEz",
        }

    # ----- pull requests -----
    def label(self, repo: Repository, name: str) -> Json:
        color, description, default = _LABEL_STYLE.get(name, ("ededed", f"{name} code", False))
        label_id = 1_000_000_000 + zlib.crc32(f"{repo.id}/{name}".encode()) % 900_000_000
        return {
            "id": label_id,
            "node_id": legacy_node_id("Label", label_id),
            "url": f"{self.api}/repos/{self.org.login}/{repo.name}/labels/{quote(name)}",
            "name": name,
            "description": description,
            "color": color,
            "default": default,
            "archived_at": None,  # in GitHub's newer descriptions (githubkit requires them)
            "archived_by": None,
        }

    def _branch(self, repo: Repository, ref: str, sha: str) -> Json:
        return {
            "label": f"{self.org.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self._org_owner,
            "repo": self.repository(repo),
        }

    def association(self, login: str) -> str:
        account = self.org.account(login)
        if account is None or account.deleted:
            return "NONE"
        return "MEMBER" if account.is_engineer else "CONTRIBUTOR"

    def pull_simple(self, pr: PullRequest) -> Json:
        """A `pull-request-simple` (list item): a deleted author is `user: null` here."""
        repo = self.org.repository(pr.repo)
        assert repo is not None
        full_name = f"{self.org.login}/{repo.name}"
        url = f"{self.api}/repos/{full_name}/pulls/{pr.number}"
        html = f"{self.web}/{full_name}/pull/{pr.number}"
        issue = f"{self.api}/repos/{full_name}/issues/{pr.number}"
        statuses = f"{self.api}/repos/{full_name}/statuses/{pr.head_sha}"
        assignees = [u for u in map(self.simple_user, pr.assignees) if u]
        return {
            "url": url,
            "id": pr.id,
            "node_id": pr.node_id,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue,
            "number": pr.number,
            "state": pr.state,
            "locked": False,
            "title": pr.title,
            "user": self.simple_user(pr.author),
            "body": pr.body,
            "labels": [self.label(repo, name) for name in pr.labels],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(pr.created_at),
            "updated_at": iso(pr.updated_at),
            "closed_at": iso(pr.closed_at),
            "merged_at": iso(pr.merged_at),
            "merge_commit_sha": pr.merge_commit_sha,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "requested_reviewers": [u for u in map(self.simple_user, pr.requested_reviewers) if u],
            "requested_teams": [],
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{self.api}/repos/{full_name}/pulls/comments{{/number}}",
            "comments_url": f"{issue}/comments",
            "statuses_url": statuses,
            "head": self._branch(repo, pr.head_ref, pr.head_sha),
            "base": self._branch(repo, pr.base_ref, pr.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue},
                "comments": {"href": f"{issue}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{self.api}/repos/{full_name}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": statuses},
            },
            "author_association": self.association(pr.author),
            "auto_merge": None,
            "draft": pr.draft,
        }

    def pull_detail(self, pr: PullRequest) -> Json:
        """A `pull-request` (GET /pulls/{n}): sizes, counts, merge state; deleted authors are ghost."""
        payload = self.pull_simple(pr)
        payload["user"] = self.user_or_ghost(pr.author)
        approved = any(r.state == "APPROVED" for r in pr.reviews)
        if pr.state == "closed" or pr.mergeable is None:
            mergeable_state = "unknown"
        elif pr.draft:
            mergeable_state = "draft"
        elif pr.mergeable is False:
            mergeable_state = "dirty"
        else:
            mergeable_state = "clean" if approved else "blocked"
        payload.update(
            {
                "merged": pr.merged,
                "mergeable": pr.mergeable,
                "rebaseable": pr.mergeable,
                "mergeable_state": mergeable_state,
                "merged_by": self.simple_user(pr.merged_by),
                "comments": pr.comments,
                "review_comments": pr.review_comments,
                "maintainer_can_modify": False,
                "commits": pr.commit_count,
                "additions": pr.additions,
                "deletions": pr.deletions,
                "changed_files": pr.changed_files,
            }
        )
        return payload

    def review(self, pr: PullRequest, review: Review) -> Json:
        """A `pull-request-review`; a deleted reviewer is `user: null`."""
        full_name = f"{self.org.login}/{pr.repo}"
        html = f"{self.web}/{full_name}/pull/{pr.number}#pullrequestreview-{review.id}"
        pull_url = f"{self.api}/repos/{full_name}/pulls/{pr.number}"
        return {
            "id": review.id,
            "node_id": review.node_id,
            "user": self.simple_user(review.reviewer),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self.association(review.reviewer),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "submitted_at": iso(review.submitted_at),
            "commit_id": review.commit_id,
        }

    def commit(self, pr: PullRequest, commit: Commit) -> Json:
        """A `commit` as listed by GET /pulls/{n}/commits; authors whose e-mail maps to no user are null."""
        return self.repo_commit(pr.repo, commit)

    def repo_commit(self, repo: str, commit: Commit) -> Json:
        """A `commit` of repository `repo` (PR commits, default-branch commits, compare and GET /commits)."""
        full_name = f"{self.org.login}/{repo}"
        api = f"{self.api}/repos/{full_name}"
        html = f"{self.web}/{full_name}"
        verification: Json = {
            "verified": commit.verified,
            "reason": "valid" if commit.verified else "unsigned",
            "signature": "-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQ\n-----END PGP SIGNATURE-----\n"
            if commit.verified
            else None,
            "payload": f"tree {commit.tree_sha}\nparent {commit.parent_sha}\n" if commit.verified else None,
            "verified_at": iso(commit.committed_at) if commit.verified else None,
        }
        return {
            "sha": commit.sha,
            "node_id": legacy_node_id("Commit", commit.sha),
            "commit": {
                "author": {
                    "name": commit.author_name,
                    "email": commit.author_email,
                    "date": iso(commit.authored_at),
                },
                "committer": {
                    "name": commit.committer_name,
                    "email": commit.committer_email,
                    "date": iso(commit.committed_at),
                },
                "message": commit.message,
                "tree": {"sha": commit.tree_sha, "url": f"{api}/git/trees/{commit.tree_sha}"},
                "url": f"{api}/git/commits/{commit.sha}",
                "comment_count": 0,
                "verification": verification,
            },
            "url": f"{api}/commits/{commit.sha}",
            "html_url": f"{html}/commit/{commit.sha}",
            "comments_url": f"{api}/commits/{commit.sha}/comments",
            "author": self.simple_user(commit.author_login),
            "committer": self.simple_user(commit.committer_login),
            "parents": [
                {
                    "sha": commit.parent_sha,
                    "url": f"{api}/commits/{commit.parent_sha}",
                    "html_url": f"{html}/commit/{commit.parent_sha}",
                }
            ],
        }
