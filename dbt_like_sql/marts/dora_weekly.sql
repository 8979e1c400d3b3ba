-- DORA per ISO week (Monday start, UTC) and organisation, repository or team: int_dora_periods.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['week_start', 'grain', 'grain_key'],
          event_time='week_start', partition_grain='week') }}
{{ dora_period_rows('week', 'week_start') }}
