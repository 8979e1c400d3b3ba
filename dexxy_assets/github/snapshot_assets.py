"""Unpartitioned GitHub snapshots: organisation members and repositories."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import rest_fetch, staging_rows
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.landing import SnapshotTarget, land_snapshot
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb
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
    """What one GitHub snapshot lands: raw rows replaced per org, staging rows merged newest-wins."""

    target: SnapshotTarget
    parse: Callable[[Any, str, dt.datetime, ProblemLog], dict | None]
    preview_columns: tuple[str, ...]

    @property
    def raw_key_columns(self) -> tuple[str, ...]:
        """Raw columns besides org, fetched_at and payload: taken from the staged row."""
        return self.target.raw_columns[1:-2]

    @property
    def staging_table(self) -> str:
        return self.target.staging_table or ""


def _target(
    raw_table: str, key_columns: tuple[str, ...], staging_table: str, staging_key: str
) -> SnapshotTarget:
    return SnapshotTarget(
        raw_table=raw_table,
        scope_column="org",
        raw_columns=("org", *key_columns, "fetched_at", "payload"),
        staging_table=staging_table,
        staging_key=(staging_key,),
        version_columns=("updated_at", "fetched_at"),
    )


def land_org_snapshot(
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
            staged[tuple(row[c] for c in snapshot.target.staging_key)] = row
    rows = list(staged.values())
    land_snapshot(conn, snapshot.target, orgs, raw_rows, rows)
    return rows


MEMBERS = Snapshot(
    target=_target("raw.github_members", ("user_id", "login"), "staging.github_users", "user_id"),
    parse=lambda payload, _org, fetched_at, problems: staging_rows.user_row(payload, fetched_at, problems),
    preview_columns=("login", "name", "user_type"),
)
REPOSITORIES = Snapshot(
    target=_target(
        "raw.github_repositories", ("repo_id", "full_name"), "staging.github_repositories", "repo_id"
    ),
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


def _snapshot_load(
    key: dg.AssetKey,
    snapshot: Snapshot,
    fetch: Callable[[GitHubResource, GitHubClient, WarehouseResource], list[tuple[str, Any]]],
    after_landing: Callable[[Connection, list[str], dt.datetime], None] = lambda *_: None,
) -> Callable[[ingest.IngestionRun], ingest.LandingStep]:
    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        github: GitHubResource = run.api
        with github.client(EtagCache()) as client:
            payloads = fetch(github, client, run.warehouse)
        fetched_at = dt.datetime.now(dt.UTC)
        orgs = sorted({org for org, _ in payloads} | set(github.scope().orgs))

        def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
            problems = ProblemLog()
            staged = land_org_snapshot(conn, snapshot, orgs, payloads, fetched_at, problems)
            after_landing(conn, orgs, fetched_at)
            client.etag_cache.save_to(conn)
            ordered = sorted(staged, key=lambda r: str(r.get(snapshot.preview_columns[0])))
            preview = asset_metadata.preview(ordered, snapshot.preview_columns)
            run_wide = {"orgs": ", ".join(orgs), "preview": preview}
            return {
                key: ingest.Landed(
                    rows=len(payloads), problems=problems, usage=client.usage, run_wide=run_wide
                )
            }

        return land

    return load


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


def _fetch_members(
    github: GitHubResource, client: GitHubClient, warehouse: WarehouseResource
) -> list[tuple[str, Any]]:
    return fetch_member_profiles(client, github.scope().orgs, github.max_concurrency, warehouse)


def _fetch_repositories(
    github: GitHubResource, client: GitHubClient, _warehouse: WarehouseResource
) -> list[tuple[str, Any]]:
    return [(r.org, r.payload) for r in rest_fetch.list_repositories(client, github.scope())]


def _snapshot_asset(
    key: dg.AssetKey,
    description: str,
    snapshot: Snapshot,
    load: Callable[[ingest.IngestionRun], ingest.LandingStep],
    also_publishes: tuple[str, ...] = (),
) -> dg.AssetsDefinition:
    entity = ingest.Entity(key, description, snapshot.staging_table, also_publishes)
    return github_ingestion_asset("__".join(key.path), [entity], load)


github_members = _snapshot_asset(
    MEMBERS_KEY,
    "Members of the synced GitHub organisations with their profiles (snapshot). Former members "
    "stay in staging, flagged is_current = false.",
    MEMBERS,
    _snapshot_load(MEMBERS_KEY, MEMBERS, _fetch_members, after_landing=_record_memberships),
    also_publishes=("staging.github_org_members",),
)
github_repositories = _snapshot_asset(
    REPOSITORIES_KEY,
    "Repositories in scope (the organisations' repositories, or the GITHUB_REPOS allow-list).",
    REPOSITORIES,
    _snapshot_load(REPOSITORIES_KEY, REPOSITORIES, _fetch_repositories),
)
