"""The log channel: one line per alert in the sensor's (or run's) log; always on, the others' fallback."""

from __future__ import annotations

import logging

from resources.notifications.alert import Alert, Severity


class LogChannel:
    name = "log"

    def __init__(self, log: logging.Logger | logging.LoggerAdapter | object) -> None:
        self.log = log

    def send(self, alert: Alert) -> None:
        line = f"ALERT {alert.one_line()}"
        if alert.severity is Severity.WARNING:
            self.log.warning(line)  # type: ignore[attr-defined]
        else:
            self.log.error(line)  # type: ignore[attr-defined]
