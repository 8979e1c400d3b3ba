"""A channel could not deliver. The message never holds the secret (SMTP password, webhook URL): it names
the channel, the host at most, and the kind of failure."""


class DeliveryError(RuntimeError):
    pass
