"""Unpartitioned GitHub snapshots: organisation members and repositories."""

import datetime as dt

import dagster as dg
from sqlalchemy import text

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, rest_fetch, staging_rows
from dexxy_assets.problems import ProblemLog
from dexxy_assets.sync_log import record_sync
from resources.bulk_load import Jsonb, copy_rows, upsert
from resources.etag_cache import EtagCache
from resources.github import GitHubResource
from resources.warehouse import WarehouseResource

MEMBERS_KEY = dg.AssetKey(["github", "members"])
REPOSITORIES_KEY = dg.AssetKey(["github", "repositories"])

_DELETE_SNAPSHOT = "DELETE FROM {{ table | ident }} WHERE org = ANY(:orgs)"
_MARK_FORMER_MEMBERS = text(
    "UPDATE staging.github_org_members SET is_current = false "
    "WHERE org = ANY(:orgs) AND fetched_at < :fetched_at"
)


@dg.asset(
    key=MEMBERS_KEY,
    group_name=asset_settings.GROUP,
    owners=asset_settings.OWNERS,
    kinds=asset_settings.KINDS,
    pool=asset_settings.POOL,
    automation_condition=asset_settings.DAILY_AT_0200,
    description="Members of the synced GitHub organisations with their profiles (snapshot). Former members "
    "stay in staging, flagged is_current = false.",
)
def github_members(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    started_at = dt.datetime.now(dt.UTC)
    scope = github.scope()
    problems = ProblemLog()
    cache = EtagCache()
    with github.client(cache) as client:
        members = {org: rest_fetch.list_members(client, org) for org in scope.orgs}
        logins = sorted(
            {m["login"] for ms in members.values() for m in ms if isinstance(m, dict) and m.get("login")}
        )
        with warehouse.connect() as conn:
            cache.load_from(conn, [client.url_for(f"users/{login}") for login in logins])
        profiles = {
            p["login"]: p
            for p in rest_fetch.fetch_user_details(client, logins, github.max_concurrency)
            if isinstance(p, dict)
        }
        usage = client.usage
    fetched_at = dt.datetime.now(dt.UTC)
    raw_rows, users, memberships = [], {}, []
    for org, org_members in members.items():
        for member in org_members:
            payload = profiles.get(member.get("login")) if isinstance(member, dict) else None
            payload = payload or member
            row = staging_rows.user_row(payload, fetched_at, problems)
            raw_rows.append(
                {
                    "org": org,
                    "user_id": row["user_id"] if row else None,
                    "login": row["login"] if row else None,
                    "fetched_at": fetched_at,
                    "payload": Jsonb(payload),
                }
            )
            if row:
                users[row["user_id"]] = row
                memberships.append(
                    {
                        "org": org,
                        "user_id": row["user_id"],
                        "login": row["login"],
                        "is_current": True,
                        "fetched_at": fetched_at,
                    }
                )
    with warehouse.begin() as conn:
        from resources.sql_template import render_sql

        conn.execute(
            text(render_sql(_DELETE_SNAPSHOT, table="raw.github_members")), {"orgs": list(scope.orgs)}
        )
        copy_rows(conn, "raw.github_members", ["org", "user_id", "login", "fetched_at", "payload"], raw_rows)
        user_rows = list(users.values())
        if user_rows:
            upsert(
                conn,
                "staging.github_users",
                list(user_rows[0]),
                user_rows,
                ["user_id"],
                ["updated_at", "fetched_at"],
            )
        upsert(
            conn,
            "staging.github_org_members",
            ["org", "user_id", "login", "is_current", "fetched_at"],
            memberships,
            ["org", "user_id"],
        )
        conn.execute(_MARK_FORMER_MEMBERS, {"orgs": list(scope.orgs), "fetched_at": fetched_at})
        problems.save(conn, MEMBERS_KEY.to_user_string())
        cache.save_to(conn)
        record_sync(
            conn,
            run_id=context.run.run_id,
            asset_key=MEMBERS_KEY.to_user_string(),
            partitions=[],
            started_at=started_at,
            rows=len(raw_rows),
            problems=problems.total,
            usage=usage,
        )
        schema = asset_metadata.table_schema(conn, "staging.github_users")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(raw_rows),
            "dagster/column_schema": schema,
            "orgs": ", ".join(scope.orgs),
            "preview": asset_metadata.preview(
                sorted(users.values(), key=lambda r: r["login"]), ["login", "name", "user_type"]
            ),
            **asset_metadata.usage_metadata(usage),
            **asset_metadata.problems_metadata(problems),
        }
    )


@dg.asset(
    key=REPOSITORIES_KEY,
    group_name=asset_settings.GROUP,
    owners=asset_settings.OWNERS,
    kinds=asset_settings.KINDS,
    pool=asset_settings.POOL,
    automation_condition=asset_settings.DAILY_AT_0200,
    description="Repositories in scope (the organisations' repositories, or the GITHUB_REPOS allow-list).",
)
def github_repositories(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    started_at = dt.datetime.now(dt.UTC)
    scope = github.scope()
    problems = ProblemLog()
    with github.client() as client:
        repos = rest_fetch.list_repositories(client, scope)
        usage = client.usage
    fetched_at = dt.datetime.now(dt.UTC)
    raw_rows, staged = [], []
    for repo in repos:
        row = staging_rows.repository_row(repo.payload, repo.org, fetched_at, problems)
        raw_rows.append(
            {
                "org": repo.org,
                "repo_id": row["repo_id"] if row else None,
                "full_name": row["full_name"] if row else None,
                "fetched_at": fetched_at,
                "payload": Jsonb(repo.payload),
            }
        )
        if row:
            staged.append(row)
    orgs = sorted({r.org for r in repos} | set(scope.orgs))
    with warehouse.begin() as conn:
        from resources.sql_template import render_sql

        conn.execute(text(render_sql(_DELETE_SNAPSHOT, table="raw.github_repositories")), {"orgs": orgs})
        copy_rows(
            conn,
            "raw.github_repositories",
            ["org", "repo_id", "full_name", "fetched_at", "payload"],
            raw_rows,
        )
        if staged:
            upsert(
                conn,
                "staging.github_repositories",
                list(staged[0]),
                staged,
                ["repo_id"],
                ["updated_at", "fetched_at"],
            )
        problems.save(conn, REPOSITORIES_KEY.to_user_string())
        record_sync(
            conn,
            run_id=context.run.run_id,
            asset_key=REPOSITORIES_KEY.to_user_string(),
            partitions=[],
            started_at=started_at,
            rows=len(raw_rows),
            problems=problems.total,
            usage=usage,
        )
        schema = asset_metadata.table_schema(conn, "staging.github_repositories")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(raw_rows),
            "dagster/column_schema": schema,
            "preview": asset_metadata.preview(
                staged, ["full_name", "language", "default_branch", "is_archived"]
            ),
            **asset_metadata.usage_metadata(usage),
            **asset_metadata.problems_metadata(problems),
        }
    )
