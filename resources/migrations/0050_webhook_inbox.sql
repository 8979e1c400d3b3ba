-- The webhook inbox: every signed delivery from GitHub and Jira, stored before it is answered, so nothing is
-- lost while Dagster is down. The webhook sensor reads it in seq order and marks what it has handed on.
CREATE TABLE IF NOT EXISTS ops.webhook_inbox (
    delivery_id   text        PRIMARY KEY,
    provider      text        NOT NULL CHECK (provider IN ('github', 'jira')),
    event         text        NOT NULL,
    action        text,
    received_at   timestamptz NOT NULL DEFAULT now(),
    payload       jsonb       NOT NULL,
    processed_at  timestamptz,
    seq           bigserial   UNIQUE
);
CREATE INDEX IF NOT EXISTS webhook_inbox_unprocessed ON ops.webhook_inbox (seq) WHERE processed_at IS NULL;
COMMENT ON TABLE ops.webhook_inbox IS 'Signed webhook deliveries (GitHub, Jira), one row per delivery: written by `dexxy webhooks serve`, read by the webhook_inbox sensor.';
COMMENT ON COLUMN ops.webhook_inbox.delivery_id IS 'X-GitHub-Delivery, or Jira''s X-Atlassian-Webhook-Identifier (else a hash of the body): a redelivery finds its row and changes nothing.';
COMMENT ON COLUMN ops.webhook_inbox.provider IS 'github or jira.';
COMMENT ON COLUMN ops.webhook_inbox.event IS 'X-GitHub-Event (pull_request, push, ...) or Jira''s webhookEvent (jira:issue_updated, comment_created, ...).';
COMMENT ON COLUMN ops.webhook_inbox.action IS 'The payload''s action (opened, closed, submitted, ...) where the event has one.';
COMMENT ON COLUMN ops.webhook_inbox.received_at IS 'When the receiver stored the delivery.';
COMMENT ON COLUMN ops.webhook_inbox.payload IS 'The delivery body as sent (a body that is not JSON is kept as {"unparsed_body": text}).';
COMMENT ON COLUMN ops.webhook_inbox.processed_at IS 'When the sensor handed the delivery on (runs requested, scope changed, or nothing to do); NULL before.';
COMMENT ON COLUMN ops.webhook_inbox.seq IS 'Arrival order: the sensor''s cursor.';
