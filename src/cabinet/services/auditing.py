"""Every service method that touches medical data writes its audit event (TRACE-1).

`@audited` runs the method in one transaction and refuses to commit if the method wrote no
audit event: the action and its trace are committed together or not at all. Methods that
touch no medical data say so with `@not_audited(reason)`; a test walks every service class
and fails on a public method that carries neither mark.
"""

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from cabinet.domain.audit import AccessMode, Action, Actor, AuditEvent
from cabinet.domain.clock import Clock
from cabinet.errors import AuditMissing
from cabinet.services.ports import RecordStore

P = ParamSpec("P")
R = TypeVar("R")
AUDITED_MARK = "__cabinet_audited__"
NOT_AUDITED_MARK = "__cabinet_not_audited__"


class AuditedService(Protocol):
    """A service that reaches the store and knows who is acting."""

    _store: RecordStore
    _trail: "AuditTrail"


class AuditTrail:
    """Writes audit events on behalf of the person at the keyboard.

    Records opened by break-glass (AUTH-4) stay marked for the rest of the session: every
    event about them carries the break-glass mode.
    """

    def __init__(self, store: RecordStore, actor: Actor, clock: Clock,
                 owner_id: str = "") -> None:
        self._store = store
        self.actor = actor
        self.clock = clock
        self.owner_id = owner_id or actor.identifier
        self.break_glass: set[int] = set()

    def is_replacement(self) -> bool:
        """True when the person at the keyboard is not the titular physician (AUTH-5)."""
        return self.actor.identifier != self.owner_id

    def now(self) -> str:
        """The current time as stored everywhere (ISO 8601, UTC)."""
        return self.clock.now().isoformat(timespec="milliseconds")

    def record(self, action: Action, *, patient_id: int | None = None, target: str = "",
               detail: str = "") -> None:
        """Append one event to the journal inside the current transaction."""
        actor = self.actor
        if patient_id in self.break_glass:
            actor = dataclasses.replace(actor, mode=AccessMode.BREAK_GLASS)
        self._store.append_audit(AuditEvent.by(actor, at=self.now(), action=action,
                                               patient_id=patient_id, target=target,
                                               detail=detail))


S = TypeVar("S", bound=AuditedService)


def audited(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run `method` in one transaction that must contain its audit event."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        store = self._store
        with store.transaction():
            before = store.audit_events_written()
            result = method(self, *args, **kwargs)
            if store.audit_events_written() == before:
                raise AuditMissing(f"{method.__qualname__} wrote no audit event")
        return result

    setattr(wrapper, AUDITED_MARK, True)
    return wrapper


def audited_in_step(method: Callable[P, R]) -> Callable[P, R]:
    """Mark a public method whose event is written by the `audited` step it ends with.

    What comes before that step reads no vault data and holds no lock on the vault (an
    archive's long check): the vault's reads and their events share the step's transaction.
    """
    setattr(method, AUDITED_MARK, True)
    return method


def not_audited(reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a public service method that touches no medical data, saying why."""

    def mark(method: Callable[P, R]) -> Callable[P, R]:
        setattr(method, NOT_AUDITED_MARK, reason)
        return method

    return mark


def service_marks(cls: type[Any]) -> dict[str, str]:
    """For each public method of `cls`: 'audited', 'not audited: …' or 'unmarked'."""
    marks: dict[str, str] = {}
    for name, member in vars(cls).items():
        if name.startswith("_") or not callable(member):
            continue
        if getattr(member, AUDITED_MARK, False):
            marks[name] = "audited"
        elif (reason := getattr(member, NOT_AUDITED_MARK, None)) is not None:
            marks[name] = f"not audited: {reason}"
        else:
            marks[name] = "unmarked"
    return marks
