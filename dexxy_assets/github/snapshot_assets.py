"""Unpartitioned GitHub snapshots: organisation members and repositories."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, rest_fetch, staging_rows
from dexxy_assets.ingestion_report import record_ingestion, snapshot_report
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, replace_partitions, upsert
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.http.etag_cache import EtagCache
from resources.warehouse import WarehouseResource

MEMBERS_KEY = dg.AssetKey(["github", "members"])
REPOSITORIES_KEY = dg.AssetKey(["github", "repositories"])

_MARK_FORMER_MEMBERS = text(
    "UPDATE staging.github_org_members SET is_current = false "
    "WHERE org = ANY(:orgs) AND fetched_at < :fetched_at"
)


@dataclass(frozen=True)
class Snapshot:
    """What one snapshot asset lands: raw rows replaced per org, staging rows merged newest-wins."""

    raw_table: str
    raw_key_columns: tuple[str, ...]  # besides org, fetched_at and payload; taken from the staged row
    staging_table: str
    staging_key: tuple[str, ...]
    parse: Callable[[Any, str, dt.datetime, ProblemLog], dict | None]
    preview_columns: tuple[str, ...]


def land_snapshot(
    conn: Connection,
    snapshot: Snapshot,
    orgs: list[str],
    payloads: list[tuple[str, Any]],
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> list[dict]:
    """Replace the orgs' raw rows and merge what parses into staging; return the staged rows."""
    raw_rows, staged = [], {}
    for org, payload in payloads:
        row = snapshot.parse(payload, org, fetched_at, problems)
        keys = {c: (row or {}).get(c) for c in snapshot.raw_key_columns}
        raw_rows.append({"org": org, **keys, "fetched_at": fetched_at, "payload": Jsonb(payload)})
        if row:
            staged[tuple(row[c] for c in snapshot.staging_key)] = row
    replace_partitions(
        conn,
        snapshot.raw_table,
        "org",
        orgs,
        ["org", *snapshot.raw_key_columns, "fetched_at", "payload"],
        raw_rows,
    )
    rows = list(staged.values())
    if rows:
        upsert(
            conn,
            snapshot.staging_table,
            list(rows[0]),
            rows,
            snapshot.staging_key,
            ["updated_at", "fetched_at"],
        )
    return rows


MEMBERS = Snapshot(
    raw_table="raw.github_members",
    raw_key_columns=("user_id", "login"),
    staging_table="staging.github_users",
    staging_key=("user_id",),
    parse=lambda payload, _org, fetched_at, problems: staging_rows.user_row(payload, fetched_at, problems),
    preview_columns=("login", "name", "user_type"),
)
REPOSITORIES = Snapshot(
    raw_table="raw.github_repositories",
    raw_key_columns=("repo_id", "full_name"),
    staging_table="staging.github_repositories",
    staging_key=("repo_id",),
    parse=staging_rows.repository_row,
    preview_columns=("full_name", "language", "default_branch", "is_archived"),
)


def fetch_member_profiles(
    client: GitHubClient, orgs: tuple[str, ...], concurrency: int, warehouse: WarehouseResource
) -> list[tuple[str, Any]]:
    """(org, profile) for every member; the profile is `/users/{login}`, revalidated with stored ETags."""
    members = [(org, m) for org in orgs for m in rest_fetch.list_members(client, org)]
    logins = sorted(
        {m["login"] for _, m in members if isinstance(m, dict) and isinstance(m.get("login"), str)}
    )
    with warehouse.connect() as conn:
        client.etag_cache.load_from(conn, [client.url_for(f"users/{login}") for login in logins])
    profiles = {
        p["login"]: p
        for p in rest_fetch.fetch_user_details(client, logins, concurrency)
        if isinstance(p, dict)
    }
    return [(org, profiles.get(m.get("login")) or m if isinstance(m, dict) else m) for org, m in members]


def _materialize_snapshot(
    context: dg.AssetExecutionContext,
    key: dg.AssetKey,
    snapshot: Snapshot,
    github: GitHubResource,
    warehouse: WarehouseResource,
    fetch: Callable[[GitHubClient], list[tuple[str, Any]]],
    after_landing: Callable[[Connection, list[str], dt.datetime], None] = lambda *_: None,
) -> dg.MaterializeResult:
    started_at = dt.datetime.now(dt.UTC)
    scope = github.scope()
    problems = ProblemLog()
    with github.client(EtagCache()) as client:
        payloads = fetch(client)
        usage = client.usage
    fetched_at = dt.datetime.now(dt.UTC)
    orgs = sorted({org for org, _ in payloads} | set(scope.orgs))
    with warehouse.begin() as conn:
        staged = land_snapshot(conn, snapshot, orgs, payloads, fetched_at, problems)
        after_landing(conn, orgs, fetched_at)
        client.etag_cache.save_to(conn)
        record_ingestion(
            conn,
            run_id=context.run.run_id,
            asset_key=key,
            partitions=[],
            started_at=started_at,
            rows=len(payloads),
            problems=problems,
            usage=usage,
        )
        schema = asset_metadata.table_schema(conn, snapshot.staging_table)
    ordered = sorted(staged, key=lambda r: str(r.get(snapshot.preview_columns[0])))
    return snapshot_report(
        key,
        rows=len(payloads),
        problems=problems,
        schema=schema,
        usage=usage,
        orgs=", ".join(orgs),
        preview=asset_metadata.preview(ordered, snapshot.preview_columns),
    )


def _record_memberships(conn: Connection, orgs: list[str], fetched_at: dt.datetime) -> None:
    """Members seen now are current; those not seen in this snapshot become former members."""
    conn.execute(
        text(
            "INSERT INTO staging.github_org_members (org, user_id, login, is_current, fetched_at) "
            # a listing whose pages shift can repeat a member: the last copy landed wins
            "SELECT DISTINCT ON (org, user_id) org, user_id, login, true, fetched_at FROM raw.github_members "
            "WHERE org = ANY(:orgs) AND user_id IS NOT NULL AND login IS NOT NULL "
            "ORDER BY org, user_id, partition_row DESC "
            "ON CONFLICT (org, user_id) DO UPDATE SET login = EXCLUDED.login, is_current = true, "
            "fetched_at = EXCLUDED.fetched_at"
        ),
        {"orgs": orgs},
    )
    conn.execute(_MARK_FORMER_MEMBERS, {"orgs": orgs, "fetched_at": fetched_at})


def _snapshot_asset(
    key: dg.AssetKey, description: str, tables: tuple[str, ...]
) -> Callable[..., dg.AssetsDefinition]:
    return dg.asset(
        key=key,
        description=description,
        metadata=publishes(*tables),
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds=asset_settings.KINDS,
        pool=asset_settings.POOL,
        automation_condition=asset_settings.DAILY_AT_0200,
    )


@_snapshot_asset(
    MEMBERS_KEY,
    "Members of the synced GitHub organisations with their profiles (snapshot). Former members "
    "stay in staging, flagged is_current = false.",
    ("staging.github_users", "staging.github_org_members"),
)
def github_members(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    orgs = github.scope().orgs
    return _materialize_snapshot(
        context,
        MEMBERS_KEY,
        MEMBERS,
        github,
        warehouse,
        fetch=lambda client: fetch_member_profiles(client, orgs, github.max_concurrency, warehouse),
        after_landing=_record_memberships,
    )


@_snapshot_asset(
    REPOSITORIES_KEY,
    "Repositories in scope (the organisations' repositories, or the GITHUB_REPOS allow-list).",
    ("staging.github_repositories",),
)
def github_repositories(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    scope = github.scope()
    return _materialize_snapshot(
        context,
        REPOSITORIES_KEY,
        REPOSITORIES,
        github,
        warehouse,
        fetch=lambda client: [(r.org, r.payload) for r in rest_fetch.list_repositories(client, scope)],
    )
