"""``ops.webhook_inbox``: the durable queue between the webhook receiver and the webhook sensor.

The receiver inserts (a redelivery of a known delivery id changes nothing); the sensor reads in arrival
order after its cursor, plus any row that committed late behind the cursor (a ``bigserial`` is taken at
insert, not at commit), and marks what it has handed on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.expression import bindparam


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery as received."""

    delivery_id: str
    provider: str  # github | jira
    event: str
    action: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class InboxRow:
    seq: int
    delivery_id: str
    provider: str
    event: str
    action: str | None
    received_at: dt.datetime
    payload: dict[str, Any]
    processed_at: dt.datetime | None


_INSERT = text(
    """INSERT INTO ops.webhook_inbox (delivery_id, provider, event, action, payload)
       VALUES (:delivery_id, :provider, :event, :action, :payload)
       ON CONFLICT (delivery_id) DO NOTHING"""
).bindparams(bindparam("payload", type_=JSONB))


def store(conn: Connection, delivery: Delivery) -> bool:
    """True when stored now, False for a redelivery (already in the inbox)."""
    result = conn.execute(
        _INSERT,
        {
            "delivery_id": delivery.delivery_id,
            "provider": delivery.provider,
            "event": delivery.event,
            "action": delivery.action,
            "payload": delivery.payload,
        },
    )
    return result.rowcount == 1


def pending(conn: Connection, after_seq: int, limit: int) -> list[InboxRow]:
    """Rows after the cursor, and unprocessed rows behind it (committed after a later seq was read)."""
    rows = conn.execute(
        text(
            """SELECT seq, delivery_id, provider, event, action, received_at, payload, processed_at
               FROM ops.webhook_inbox
               WHERE seq > :after OR processed_at IS NULL
               ORDER BY seq
               LIMIT :limit"""
        ),
        {"after": after_seq, "limit": limit},
    )
    return [
        InboxRow(
            seq=r.seq,
            delivery_id=r.delivery_id,
            provider=r.provider,
            event=r.event,
            action=r.action,
            received_at=r.received_at,
            payload=r.payload if isinstance(r.payload, dict) else {"body": r.payload},
            processed_at=r.processed_at,
        )
        for r in rows
    ]


def mark_processed(conn: Connection, seqs: list[int]) -> None:
    if seqs:
        conn.execute(
            text(
                "UPDATE ops.webhook_inbox SET processed_at = now() "
                "WHERE seq = ANY(:seqs) AND processed_at IS NULL"
            ),
            {"seqs": seqs},
        )
