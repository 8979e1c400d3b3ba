"""The processing layer: what Dexxy derives from the sources' staging (AI detection, LLM summaries) and the
settings the marts read (DORA), before the marts. Not a source: it calls no source's API (only Groq,
optionally)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.processing.ai_detection_asset import build_ai_detection_asset
from dexxy_assets.processing.dora_settings import build_dora_settings_asset
from dexxy_assets.processing.llm_summary_asset import build_llm_summary_asset
from dexxy_assets.processing.weekly_insights_asset import build_weekly_insights_asset
from resources.groq_llm import GroqLLMResource

GROUP = "processing"


def build_processing_definitions(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            build_ai_detection_asset(partitions),
            build_llm_summary_asset(partitions),
            build_dora_settings_asset(),
            build_weekly_insights_asset(partitions),
        ],
        resources={"llm": GroqLLMResource()},
    )
