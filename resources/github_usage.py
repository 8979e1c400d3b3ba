"""Old path of the API usage counters, kept so existing imports work; they live in
``resources.http.usage``."""

from resources.http.usage import ApiUsage

__all__ = ["ApiUsage"]
