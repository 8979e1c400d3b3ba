"""The Dexxy code location with Dagster's Celery executor: every step of a run becomes a Celery task that
any `dagster-celery worker` on any machine may take, instead of a subprocess of the run's own host.

The product's entry point (`dexxy_assets.definitions`) keeps Dagster's default executor; a deployment that
scales out on Celery points its workspace at this module instead (`-m dexxy_assets.celery_location`). The
broker and result backend come from Celery's own variables, read when a run starts (never written into
run config, the event log or a file), and the workers read the same ones:

    CELERY_BROKER_URL      e.g. sqla+postgresql+psycopg2://u:p@host/celery, redis://host:6379/0, amqp://…
    CELERY_RESULT_BACKEND  e.g. db+postgresql+psycopg2://u:p@host/celery, redis://host:6379/1

Workers: `dagster-celery worker start -A dagster_celery.app -y deploy/celery/worker.yaml -n NAME --
--pool=solo --concurrency=1` with the same environment as the code location (warehouse, API credentials,
DAGSTER_HOME); see docs/operations.md "Scaling out". Pools (`github_api`, …) are
claimed by the run before a step is submitted, so every worker together stays inside one API budget.
"""

from __future__ import annotations

import dagster as dg
from dagster_celery import celery_executor

from dexxy_assets.definitions import build_definitions
from dexxy_assets.sources import registered_sources

BROKER_VARIABLE = "CELERY_BROKER_URL"
BACKEND_VARIABLE = "CELERY_RESULT_BACKEND"

# The settings that decide how a worker takes steps (one at a time, acknowledged at the end) are the
# workers' own: deploy/celery/worker.yaml.
CELERY_EXECUTOR = celery_executor.configured(
    {"broker": {"env": BROKER_VARIABLE}, "backend": {"env": BACKEND_VARIABLE}}, name="celery"
)


@dg.definitions
def defs() -> dg.Definitions:
    """Dexxy's definitions, unchanged but for the executor."""
    return dg.Definitions.merge(
        build_definitions(registered_sources()), dg.Definitions(executor=CELERY_EXECUTOR)
    )
