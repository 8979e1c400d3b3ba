"""The HTTP client every source shares: retries, rate-limit waits, ETags, usage counters and one error
hierarchy. A service plugs in through a small adapter (``adapter.ServiceAdapter``)."""
