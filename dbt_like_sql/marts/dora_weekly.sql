-- DORA per ISO week (Monday start, UTC) and organisation, repository or team: int_dora_periods.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['week_start', 'grain', 'grain_key'],
          event_time='week_start', partition_grain='week') }}
SELECT
    d.period_start AS week_start,
    d.grain,
    d.grain_key,
    d.deployments,
    d.deployment_days,
    d.changes_deployed,
    d.lead_time_median_hours,
    d.lead_time_p75_hours,
    d.failed_deployments,
    d.change_failure_rate,
    d.recovered_deployments,
    d.recovery_median_hours,
    d.deployment_frequency_band,
    d.lead_time_band,
    d.change_failure_band,
    d.recovery_band
FROM {{ ref('int_dora_periods') }} AS d
WHERE d.period_kind = 'week'
{% if is_incremental() %}
    AND ({{ in_window('d.period_start') }} OR NOT EXISTS (
        SELECT 1 FROM {{ this }} AS built
        WHERE built.week_start = d.period_start AND built.grain = d.grain AND built.grain_key = d.grain_key
    ))
{% endif %}
