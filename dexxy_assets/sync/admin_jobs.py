"""Admin actions in the Dagster UI: one small job per action (Jobs → ``sync_admin_pause`` → Launchpad), its
run config the action's arguments. Each runs the same code as `dexxy sync …` and is recorded in
``ops.sync_log``; the run itself is the UI's record of who did what and when."""

from collections.abc import Callable
from typing import Any

import dagster as dg
from pydantic import Field
from sqlalchemy import Connection

from dexxy_assets.sync import admin_actions
from dexxy_assets.sync.state import WHOLE
from resources.warehouse import WarehouseResource

UI = "the Dagster UI"
ADMIN_TAGS = {"dexxy/kind": "sync_admin"}


class ScopeConfig(dg.Config):
    source: str = Field(description="The source: github, copilot or jira.")
    scope: str = Field(
        default=WHOLE, description="* (the whole source), an org, owner/repo or a Jira project."
    )
    reason: str | None = Field(default=None, description="Why (shown in `dexxy sync status` and the log).")


class TriggerConfig(dg.Config):
    source: str = Field(description="The source: github, copilot or jira.")
    scope: str = Field(
        default=WHOLE, description="* (the whole source), an org, owner/repo or a Jira project."
    )
    full: bool = Field(default=False, description="The whole history instead of yesterday and today.")


class ScheduleConfig(dg.Config):
    source: str = Field(description="The source: github, copilot or jira.")
    cron: str = Field(description="A UTC cron ('0 */6 * * *'), or 'nightly' for the nightly automation.")


def admin_job(
    name: str,
    description: str,
    config_type: type[dg.Config],
    action: Callable[[Connection, Any], str],
    sources: tuple[str, ...],
) -> dg.JobDefinition:
    """A one-op job: check the source, run ``action`` in one warehouse transaction, log its outcome."""

    def act(context: dg.OpExecutionContext, config: config_type, warehouse: WarehouseResource) -> None:  # type: ignore[valid-type]
        admin_actions.check_source(config.source, sources)
        with warehouse.begin() as conn:
            context.log.info(action(conn, config))

    step = dg.op(name=f"{name}_op", description=description)(act)

    @dg.job(name=name, description=description, tags=ADMIN_TAGS)
    def admin() -> None:
        step()

    return admin


def build_admin_jobs(sources: tuple[str, ...]) -> list[dg.JobDefinition]:
    """The four ``sync_admin_*`` jobs, checking the source against the registered ones."""
    return [
        admin_job(
            "sync_admin_pause",
            "Pause a source or one of its scopes: its runs skip until resumed (`dexxy sync pause`).",
            ScopeConfig,
            lambda conn, c: admin_actions.pause(conn, c.source, c.scope, by=UI, reason=c.reason),
            sources,
        ),
        admin_job(
            "sync_admin_resume",
            "Resume a paused source or scope (`dexxy sync resume`).",
            ScopeConfig,
            lambda conn, c: admin_actions.resume(conn, c.source, c.scope, by=UI, reason=c.reason),
            sources,
        ),
        admin_job(
            "sync_admin_trigger",
            "Sync a source now, yesterday and today or its whole history (`dexxy sync trigger [--full]`).",
            TriggerConfig,
            lambda conn, c: admin_actions.trigger(conn, c.source, c.scope, full=c.full, by=UI),
            sources,
        ),
        admin_job(
            "sync_admin_schedule",
            "Set a source's cadence (UTC cron), or 'nightly' for its nightly automation "
            "(`dexxy sync schedule`).",
            ScheduleConfig,
            lambda conn, c: admin_actions.schedule(conn, c.source, c.cron, by=UI),
            sources,
        ),
    ]
