"""The expectations the sources' suites are made of (unique keys, time not running backwards, counts not
negative, known values), as GX class names with their arguments: built only when a check runs."""

from __future__ import annotations

from dexxy_assets.checks.gx_suite import expect

INTEGRITY = "gx_integrity"  # blocking: bad data here would poison every metric built on it
PLAUSIBILITY = "gx_plausibility"  # a warning: worth a look, not a stop
JIRA_KEY_PATTERN = r"^[A-Z][A-Z0-9_]*-[1-9][0-9]*$"


def key_expectations(*columns: str) -> tuple:
    """Keys unique and not null (a compound key: unique as a combination)."""
    if len(columns) > 1:
        return (expect("ExpectCompoundColumnsToBeUnique", column_list=list(columns)),)
    return (
        expect("ExpectColumnValuesToNotBeNull", column=columns[0]),
        expect("ExpectColumnValuesToBeUnique", column=columns[0]),
    )


def not_before(later: str, earlier: str) -> tuple:
    return (
        expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            column_A=later,
            column_B=earlier,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    )


def not_negative(*columns: str) -> tuple:
    return tuple(expect("ExpectColumnValuesToBeBetween", column=c, min_value=0) for c in columns)


def in_set(column: str, values: tuple | frozenset) -> tuple:
    return (expect("ExpectColumnValuesToBeInSet", column=column, value_set=sorted(values)),)


def acceptances_within_suggestions() -> tuple:
    return (
        expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            column_A="code_generation_activity_count",
            column_B="code_acceptance_activity_count",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    )


def copilot_usage(*key_columns: str) -> tuple:
    """An analytics Copilot table: its key, acceptances within suggestions, a rate within [0, 1]."""
    return (
        *key_expectations(*key_columns),
        *acceptances_within_suggestions(),
        expect("ExpectColumnValuesToBeBetween", column="acceptance_rate", min_value=0, max_value=1),
    )


def jira_key(column: str) -> tuple:
    return (expect("ExpectColumnValuesToMatchRegex", column=column, regex=JIRA_KEY_PATTERN),)
