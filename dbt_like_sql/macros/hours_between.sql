{#- Hours from start to end as numeric(…, 2); NULL when either is NULL or the span is negative. -#}
{% macro hours_between(start, end) -%}
(CASE WHEN {{ end }} >= {{ start }} THEN round((extract(epoch FROM ({{ end }}) - ({{ start }})) / 3600.0)::numeric, 2) END)
{%- endmacro %}
