"""Which channels an alert goes to: a small declarative policy, alert class → channels.

Written as ``CLASS=channel,channel;CLASS=…;*=…`` (``DEXXY_ALERT_POLICY``), where ``*`` is every class the
policy does not name. Channels are ``email``, ``slack`` and ``log``; the log always gets the alert too, and a
channel that is not configured is left out, so the default works with nothing set (log only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CHANNELS = ("email", "slack", "log")

# Billing and credentials need a person with access, who reads mail; rate limits, outages and slow syncs
# are transient and belong in the team's channel; anything unclassified goes everywhere.
DEFAULT_POLICY = (
    "SUSPENDED_PAYMENT=email;AUTH_EXPIRED=email,slack;PERMISSION=email,slack;"
    "RATE_LIMIT=slack;UPSTREAM_5XX=slack;NETWORK=slack;SLOW_SYNC=slack;*=email,slack"
)


class PolicyError(ValueError):
    """The policy text does not parse; the message names the part at fault."""


@dataclass(frozen=True)
class AlertPolicy:
    routes: Mapping[str, tuple[str, ...]]
    fallback: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> AlertPolicy:
        routes: dict[str, tuple[str, ...]] = {}
        fallback: tuple[str, ...] = ("log",)
        for part in filter(None, (p.strip() for p in text.split(";"))):
            name, separator, channels_text = part.partition("=")
            channels = tuple(c.strip().lower() for c in channels_text.split(",") if c.strip())
            unknown = [c for c in channels if c not in CHANNELS]
            if not separator or not name.strip() or unknown:
                raise PolicyError(
                    f"DEXXY_ALERT_POLICY part {part!r}: write CLASS=channel[,channel] "
                    f"with channels among {', '.join(CHANNELS)}"
                )
            if name.strip() == "*":
                fallback = channels
            else:
                routes[name.strip().upper()] = channels
        return cls(routes, fallback)

    def channels_for(self, alert_class: str) -> tuple[str, ...]:
        """The channels of ``alert_class``, the log always among them."""
        chosen = self.routes.get(alert_class.upper(), self.fallback)
        return (*(c for c in chosen if c != "log"), "log")
