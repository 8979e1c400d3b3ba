"""Alert notifications: channel adapters (e-mail over SMTP, Slack incoming webhook, log) behind one
resource, routed by a declarative policy (see docs/operations.md, Alerts)."""

from resources.notifications.alert import Alert, Severity
from resources.notifications.policy import DEFAULT_POLICY, AlertPolicy
from resources.notifications.resource import Delivery, NotificationResource

__all__ = ["DEFAULT_POLICY", "Alert", "AlertPolicy", "Delivery", "NotificationResource", "Severity"]
