"""Users (argon2-hashed passwords, roles) and flow locks for unattended workers."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from pixissync.errors import InputError
from pixissync.store import schema as t
from pixissync.store.links import LinksMixin
from pixissync.store.records import ROLES, NotFound, Role, User

U = t.users
L = t.flow_locks
MIN_PASSWORD: Final = 8
_HASHER: Final = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a
# wrong password and timing does not reveal which names exist.
_DUMMY_HASH: Final = _HASHER.hash("pixissync-not-a-user")


def lock_owner() -> str:
    """A lock owner id for this process: ``host:pid:token``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str) -> bool:
    """True when ``owner`` is a process on this host that no longer runs.

    A killed apply or worker then does not hold its lock until the TTL runs out.
    Owners on other hosts are never judged dead here (their TTL decides).
    """
    parts = owner.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class UsersMixin(LinksMixin):
    """Users, sign-in and flow locks."""

    def add_user(self, name: str, role: str, password: str, *, by: User | None = None) -> User:
        """Create a user; ``by`` (when acting from the console) must be an admin.

        Raises:
            InputError: empty name, unknown role, short password or name taken.
        """
        if by is not None:
            by.require("manage_users")
        name = name.strip()
        if not name:
            raise InputError("a user needs a name", column="name")
        checked = _role(role)
        if len(password) < MIN_PASSWORD:
            raise InputError(
                f"the password for {name} must have at least {MIN_PASSWORD} characters",
                column="password",
            )
        try:
            with self._write() as conn:
                conn.execute(
                    U.insert().values(
                        name=name,
                        role=checked,
                        password_hash=_HASHER.hash(password),
                        created_at=t.utcnow(),
                        active=True,
                    )
                )
                self._audit(
                    conn,
                    actor=by.name if by else "system",
                    action="user.add",
                    after={"name": name, "role": checked},
                )
        except IntegrityError:
            raise InputError(f"user {name!r} already exists", column="name") from None
        return User(name, checked)

    def update_user(
        self,
        name: str,
        *,
        by: User | None = None,
        role: str | None = None,
        password: str | None = None,
        active: bool | None = None,
    ) -> User:
        """Change a user's role, password or whether they may sign in."""
        if by is not None:
            by.require("manage_users")
        values: dict[str, object] = {}
        if role is not None:
            values["role"] = _role(role)
        if password is not None:
            if len(password) < MIN_PASSWORD:
                raise InputError(f"password must have at least {MIN_PASSWORD} characters")
            values["password_hash"] = _HASHER.hash(password)
        if active is not None:
            values["active"] = active
        with self._write() as conn:
            before = conn.execute(sa.select(U).where(U.c.name == name)).mappings().first()
            if before is None:
                raise NotFound(f"user {name!r} does not exist")
            if values:
                conn.execute(U.update().where(U.c.name == name).values(**values))
            self._audit(
                conn,
                actor=by.name if by else "system",
                action="user.update",
                before={"name": name, "role": before["role"], "active": before["active"]},
                after={
                    "name": name,
                    "role": values.get("role", before["role"]),
                    "active": values.get("active", before["active"]),
                    "password_changed": password is not None,
                },
            )
            return User(name, values.get("role", before["role"]))  # type: ignore[arg-type]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if ``name``/``password`` are right and the user is active, else None."""
        with self._read() as conn:
            row = conn.execute(sa.select(U).where(U.c.name == name.strip())).mappings().first()
        if row is None or not row["active"]:
            _verify(_DUMMY_HASH, password)
            return None
        if not _verify(row["password_hash"], password):
            return None
        if _HASHER.check_needs_rehash(row["password_hash"]):
            with self._write() as conn:
                conn.execute(
                    U.update()
                    .where(U.c.id == row["id"])
                    .values(password_hash=_HASHER.hash(password))
                )
        return User(row["name"], row["role"])

    def users(self) -> list[User]:
        """Active users, by name."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(U.c.name, U.c.role).where(U.c.active.is_(True)).order_by(U.c.name)
            ).all()
        return [User(r[0], r[1]) for r in rows]

    # -- flow locks ---------------------------------------------------------

    def try_lock_flow(self, flow: str, owner: str, ttl_seconds: int) -> bool:
        """Take (or renew) the lock on ``flow`` for ``owner``; False if someone else holds it.

        Atomic on both databases: an INSERT that does nothing on conflict, then an
        UPDATE guarded by "expired, or mine". A holder that is a dead process on
        this host is taken over at once.
        """
        now = t.utcnow()
        expires = now + timedelta(seconds=ttl_seconds)
        with self._write() as conn:
            inserted = conn.execute(
                self._insert(L)
                .values(flow=flow, owner=owner, acquired_at=now, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["flow"])
            )
            if inserted.rowcount == 1:
                return True
            renewed = conn.execute(
                L.update()
                .where(L.c.flow == flow, sa.or_(L.c.expires_at < now, L.c.owner == owner))
                .values(
                    owner=owner,
                    expires_at=expires,
                    acquired_at=sa.case((L.c.owner == owner, L.c.acquired_at), else_=now),
                )
            )
            if renewed.rowcount == 1:
                return True
            holder = conn.execute(sa.select(L.c.owner).where(L.c.flow == flow)).scalar()
            if holder is not None and owner_is_dead(holder):
                taken = conn.execute(
                    L.update()
                    .where(L.c.flow == flow, L.c.owner == holder)
                    .values(owner=owner, acquired_at=now, expires_at=expires)
                )
                return taken.rowcount == 1
            return False

    def release_flow(self, flow: str, owner: str) -> None:
        """Give the lock back (only if ``owner`` holds it)."""
        with self._write() as conn:
            conn.execute(L.delete().where(L.c.flow == flow, L.c.owner == owner))

    def flow_lock(self, flow: str) -> tuple[str, datetime, datetime] | None:
        """Who holds the lock on ``flow``: (owner, acquired_at, expires_at), or None."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(L.c.owner, L.c.acquired_at, L.c.expires_at).where(L.c.flow == flow)
            ).first()
        return None if row is None else (row[0], row[1], row[2])


def _role(role: str) -> Role:
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not {role!r}", column="role")
    return role  # type: ignore[return-value]


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
