"""Old path of the conditional-request cache, kept so existing imports work; it lives in
``resources.http.etag_cache``."""

from resources.http.etag_cache import CachedResponse, EtagCache

__all__ = ["CachedResponse", "EtagCache"]
