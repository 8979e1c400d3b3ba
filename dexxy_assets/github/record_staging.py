"""Staging of a raw table that holds one payload per row and needs only the payload, its repository, day and
fetch time (workflow runs, releases): a ``RecordStaging`` names the table and its row parser, and becomes a
``payload_staging`` step (streamed, merged newest-wins by ``updated_at``, then ``fetched_at``; no API call).

Each step's code version hashes its own row parser's file, so changing the release parser re-stages releases
and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dagster as dg

from dexxy_assets.github.payload_staging import PayloadStaging, StagedTable, build_payload_staged_asset
from dexxy_assets.problems import ProblemLog

# (payload, repo_full_name, partition day, fetched_at, problems) -> a typed row, or None (counted)
RowParser = Callable[[Any, str, dt.date, dt.datetime, ProblemLog], dict[str, Any] | None]
_ARGS = ("payload", "repo_full_name", "partition_date", "fetched_at")


@dataclass(frozen=True)
class RecordStaging:
    """One staging step: ``raw_table``'s payloads parsed by ``parse`` into ``staging_table``."""

    key: dg.AssetKey
    raw_key: dg.AssetKey
    raw_table: str
    staging_table: str
    id_column: str
    parse: RowParser
    parser_file: str  # the module of ``parse``, relative to dexxy_assets/
    description: str

    @property
    def step(self) -> PayloadStaging:
        table = StagedTable(
            self.staging_table, self.raw_table, self.staging_table, self.id_column, self.parse, _ARGS
        )
        return PayloadStaging(
            key=self.key,
            deps=(self.raw_key,),
            tables=(table,),
            parser_files=(self.parser_file, "github/record_staging.py"),
            description=self.description,
        )

    @property
    def code_version(self) -> str:
        return self.step.code_version


def build_record_staged_asset(
    staging: RecordStaging, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    return build_payload_staged_asset(staging.step, partitions)
