"""Jira: typed records parsed from stored raw JSON, the staging step and the PR-key derivation.

Fetching (resources/jira.py and the assets) lands raw JSON only; everything here reads it back, so a parser
fix re-stages old partitions without calling the API again (see ``parser_version.JIRA_PARSER_VERSION``).
"""
