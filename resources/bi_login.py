"""The read-only BI role's login. Migration 0003 creates `dexxy_bi` (NOLOGIN, SELECT on `analytics` only);
whether it may log in, and with which password, comes from DEXXY_BI_PASSWORD each time a process first
opens the warehouse, so the password lives in the environment only, never in a migration or a file."""

from __future__ import annotations

import logging
from enum import StrEnum

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from resources.environment import env_value

BI_ROLE = "dexxy_bi"
BI_PASSWORD_VARIABLE = "DEXXY_BI_PASSWORD"
_LOCK_KEY = 0x0DE79  # serialises ALTER ROLE between processes starting together
_log = logging.getLogger(__name__)


class BiLogin(StrEnum):
    ENABLED = "enabled"  # dexxy_bi logs in with DEXXY_BI_PASSWORD
    DISABLED = "disabled"  # no password set: NOLOGIN
    UNAVAILABLE = "unavailable"  # the role is missing or we may not alter it (a managed database)


def sync_bi_login(engine: Engine) -> BiLogin:
    """Give `dexxy_bi` LOGIN with DEXXY_BI_PASSWORD, or NOLOGIN without one. The server receives only the
    SCRAM verifier computed here, so the password is not in its statement log either."""
    password = env_value(BI_PASSWORD_VARIABLE)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            can_login = conn.execute(
                text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": BI_ROLE}
            ).scalar()
            if can_login is None:
                return BiLogin.UNAVAILABLE
            if not password:
                if can_login:
                    conn.exec_driver_sql(f"ALTER ROLE {BI_ROLE} NOLOGIN PASSWORD NULL")
                return BiLogin.DISABLED
            from psycopg2.extensions import encrypt_password

            verifier = encrypt_password(password, BI_ROLE, conn.connection.dbapi_connection, "scram-sha-256")
            conn.exec_driver_sql(f"ALTER ROLE {BI_ROLE} LOGIN PASSWORD %(verifier)s", {"verifier": verifier})
            return BiLogin.ENABLED
    except DBAPIError as exc:  # no CREATEROLE / not the role's owner: docs/bi.md has the manual steps
        _log.warning("cannot set the login of role %s: %s", BI_ROLE, type(exc.orig).__name__)
        return BiLogin.UNAVAILABLE
