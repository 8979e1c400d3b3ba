"""E-mail over SMTP. ``SMTP_URL`` is ``smtp://[user:password@]host[:port]`` (STARTTLS when the server
offers it) or ``smtps://…`` (TLS from the first byte). The password is only handed to ``login``: errors
name the host, never the URL."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from resources.notifications.alert import Alert
from resources.notifications.delivery_error import DeliveryError

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None = None

    def __repr__(self) -> str:  # never the password
        return f"SmtpServer({self.scheme}://{self.host}:{self.port}, user={self.user!r})"

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            raise DeliveryError("SMTP_URL must look like smtp://user:password@host:587 (or smtps://…)")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise DeliveryError("SMTP_URL has an invalid port") from None
        return cls(
            scheme,
            parts.hostname,
            port,
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
        )


class EmailChannel:
    name = "email"

    def __init__(self, server: SmtpServer, recipients: list[str], sender: str, timeout: float) -> None:
        self.server = server
        self.recipients = recipients
        self.sender = sender
        self.timeout = timeout

    def message(self, alert: Alert) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = alert.subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(alert.body() + "\n")
        return message

    def send(self, alert: Alert) -> None:
        server = self.server
        try:
            if server.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if server.scheme == "smtp" and smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if server.user:
                    smtp.login(server.user, server.password or "")
                smtp.send_message(self.message(alert))
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(
                f"e-mail via {server.host}:{server.port}: the server refused the login ({error.smtp_code})"
            ) from None
        except smtplib.SMTPException as error:
            raise DeliveryError(
                f"e-mail via {server.host}:{server.port} failed: {type(error).__name__}"
            ) from None
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise DeliveryError(f"e-mail via {server.host}:{server.port} failed: {reason}") from None
