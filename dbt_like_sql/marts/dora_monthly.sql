-- DORA per calendar month (UTC) and organisation, repository or team: int_dora_periods.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month_start', 'grain', 'grain_key'],
          event_time='month_start', partition_grain='month') }}
SELECT
    d.period_start AS month_start,
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
WHERE d.period_kind = 'month'
{% if is_incremental() %}
    AND ({{ in_window('d.period_start') }} OR NOT EXISTS (
        SELECT 1 FROM {{ this }} AS built
        WHERE built.month_start = d.period_start AND built.grain = d.grain AND built.grain_key = d.grain_key
    ))
{% endif %}
