"""Sync status and admin controls: ``ops.sync_state`` per source, scope and entity, the scope changes of
installation events, pause / resume / trigger / schedule, and the sensor and jobs that act on them."""
