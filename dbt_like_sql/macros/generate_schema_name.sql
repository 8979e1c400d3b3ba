{#- dbt: a model's `schema` config is the schema itself (analytics), not `<target schema>_analytics`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
{{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
