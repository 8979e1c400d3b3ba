"""Admin actions in the Dagster UI: one small job per action (Jobs → ``sync_admin_pause`` → Launchpad), its
run config the action's arguments. Each runs the same code as `dexxy sync …` and is recorded in
``ops.sync_log``; the run itself is the UI's record of who did what and when."""

import dagster as dg
from pydantic import Field

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


def build_admin_jobs(sources: tuple[str, ...]) -> list[dg.JobDefinition]:
    """The four ``sync_admin_*`` jobs, checking the source against the registered ones."""

    def act(warehouse: WarehouseResource, source: str, action: admin_actions.AdminAction) -> str:
        admin_actions.check_source(source, sources)
        with warehouse.begin() as conn:
            return action(conn)

    @dg.op(description="Pause a source or one of its scopes: its runs skip until resumed.")
    def pause_sync(context: dg.OpExecutionContext, config: ScopeConfig, warehouse: WarehouseResource) -> None:
        context.log.info(
            act(
                warehouse,
                config.source,
                lambda conn: admin_actions.pause(
                    conn, config.source, config.scope, by=UI, reason=config.reason
                ),
            )
        )

    @dg.op(description="Resume a paused source or scope.")
    def resume_sync(
        context: dg.OpExecutionContext, config: ScopeConfig, warehouse: WarehouseResource
    ) -> None:
        context.log.info(
            act(
                warehouse,
                config.source,
                lambda conn: admin_actions.resume(
                    conn, config.source, config.scope, by=UI, reason=config.reason
                ),
            )
        )

    @dg.op(description="Ask the sync_control sensor for a sync now (yesterday and today, or --full).")
    def trigger_sync(
        context: dg.OpExecutionContext, config: TriggerConfig, warehouse: WarehouseResource
    ) -> None:
        context.log.info(
            act(
                warehouse,
                config.source,
                lambda conn: admin_actions.trigger(
                    conn, config.source, config.scope, full=config.full, by=UI
                ),
            )
        )

    @dg.op(description="Store a source's cadence (UTC cron), or go back to its nightly automation.")
    def schedule_sync(
        context: dg.OpExecutionContext, config: ScheduleConfig, warehouse: WarehouseResource
    ) -> None:
        context.log.info(
            act(
                warehouse,
                config.source,
                lambda conn: admin_actions.schedule(conn, config.source, config.cron, by=UI),
            )
        )

    def job(name: str, op: dg.OpDefinition, what: str) -> dg.JobDefinition:
        @dg.job(name=name, description=what, tags=ADMIN_TAGS)
        def admin() -> None:
            op()

        return admin

    return [
        job("sync_admin_pause", pause_sync, "Pause a source (or a scope): `dexxy sync pause` in the UI."),
        job("sync_admin_resume", resume_sync, "Resume a source (or a scope): `dexxy sync resume` in the UI."),
        job(
            "sync_admin_trigger", trigger_sync, "Sync a source now: `dexxy sync trigger [--full]` in the UI."
        ),
        job("sync_admin_schedule", schedule_sync, "Set a source's cadence: `dexxy sync schedule` in the UI."),
    ]
