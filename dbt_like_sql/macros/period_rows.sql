{#- The rows of int_dora_periods of one period kind ('week' or 'month') as their mart's rows, the period start
    named ``period_column``. Incremental: the window's periods, plus any (period, grain, key) the table lacks
    (a period with no data yet, a new repository or team). dora_weekly and dora_monthly differ only in these. -#}
{% macro dora_period_rows(period_kind, period_column) -%}
SELECT
    d.period_start AS {{ period_column }},
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
WHERE d.period_kind = '{{ period_kind }}'
{% if is_incremental() %}
    AND ({{ in_window('d.period_start') }} OR NOT EXISTS (
        SELECT 1 FROM {{ this }} AS built
        WHERE built.{{ period_column }} = d.period_start AND built.grain = d.grain AND built.grain_key = d.grain_key
    ))
{% endif %}
{%- endmacro %}
