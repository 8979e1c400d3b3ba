{#- The incremental run's window on an event-time column: [window_start, window_end). The first partition's
    window is open at the start and also takes rows without an event time, so that every row belongs to
    exactly one partition and the partitions together equal a full build. -#}
{% macro in_window(column) -%}
({{ column }} >= '{{ var("window_start") }}'::timestamptz AND {{ column }} < '{{ var("window_end") }}'::timestamptz
{%- if var("window_start") == "-infinity" %} OR {{ column }} IS NULL{% endif %})
{%- endmacro %}
