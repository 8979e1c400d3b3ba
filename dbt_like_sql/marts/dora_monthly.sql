-- DORA per calendar month (UTC) and organisation, repository or team: int_dora_periods.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month_start', 'grain', 'grain_key'],
          event_time='month_start', partition_grain='month') }}
{{ dora_period_rows('month', 'month_start') }}
