"""Which of the counter's two readers a reader is: the operator's own card or the
customer's. Its own module, free of pyscard, so that the kiosk's ports and screens can
name a reader's role without loading the PC/SC binding.

The configured name patterns are the preference (``ReaderRoles``). Two identical USB
readers are named in USB order, which can change after a reboot, so a login binds the
roles for the session (``ReaderAssignment.bind_operator``): the reader that held the
operator's card is the operator reader, the other the customer reader.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class ReaderRole(StrEnum):
    """The counter has two readers: the operator's own card and the customer's."""

    OPERATOR = "operator"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class ReaderRoles:
    """Which reader is the operator's and which the customer's, by name patterns (regex)."""

    operator_pattern: str = r"Virtual PCD 00 00|(?i:operat)"
    customer_pattern: str = r"Virtual PCD 00 01|(?i:customer|kund)"

    def role_of(self, reader: str) -> ReaderRole | None:
        if re.search(self.operator_pattern, reader):
            return ReaderRole.OPERATOR
        if re.search(self.customer_pattern, reader):
            return ReaderRole.CUSTOMER
        return None

    def assign(self, readers: list[str]) -> dict[ReaderRole, str]:
        """Role → first reader name that matches it (operator pattern wins ties)."""
        out: dict[ReaderRole, str] = {}
        for reader in readers:
            role = self.role_of(reader)
            if role is not None and role not in out:
                out[role] = reader
        return out


class ReaderAssignment:
    """The roles of the counter's readers now: the name patterns, unless a login bound the
    reader that held the operator's card. Shared by the card access and the reader watcher
    of one kiosk, so that both name the same reader the operator's; thread-safe."""

    def __init__(self, roles: ReaderRoles | None = None) -> None:
        self.roles = roles or ReaderRoles()
        self._lock = threading.Lock()
        self._operator: str | None = None
        self._listeners: list[Callable[[], None]] = []

    @property
    def operator_reader(self) -> str | None:
        """The reader bound as the operator's by the last login (None: the patterns)."""
        with self._lock:
            return self._operator

    def is_counter_reader(self, reader: str) -> bool:
        """The reader matches one of the two patterns (the operator's or the customer's)."""
        return bool(
            re.search(self.roles.operator_pattern, reader)
            or re.search(self.roles.customer_pattern, reader)
        )

    def assign(self, readers: Sequence[str]) -> dict[ReaderRole, str]:
        """Role → reader among ``readers``. Bound: the operator's reader, and the first other
        counter reader (the customer pattern preferred) as the customer's. Unbound: the
        first reader matching the operator pattern, and the first *other* reader matching
        the customer pattern (so two readers matched by both patterns get a role each)."""
        operator = self.operator_reader
        customer_pattern = self.roles.customer_pattern
        out: dict[ReaderRole, str] = {}
        if operator is None:
            operator = next((r for r in readers if re.search(self.roles.operator_pattern, r)), None)
            others = [r for r in readers if r != operator and re.search(customer_pattern, r)]
        else:
            others = [r for r in readers if r != operator and self.is_counter_reader(r)]
            others.sort(key=lambda r: re.search(customer_pattern, r) is None)
        if operator is not None and operator in readers:
            out[ReaderRole.OPERATOR] = operator
        if others:
            out[ReaderRole.CUSTOMER] = others[0]
        return out

    def role_of(self, reader: str, readers: Sequence[str] = ()) -> ReaderRole | None:
        """The role of ``reader`` among the counter's ``readers`` (it included)."""
        known = list(readers) if reader in readers else [*readers, reader]
        for role, name in self.assign(known).items():
            if name == reader:
                return role
        return None

    def bind_operator(self, reader: str) -> None:
        """The login found the operator's card in ``reader``: it is the operator reader
        for the session, the other the customer reader."""
        with self._lock:
            changed, self._operator = self._operator != reader, reader
            listeners = list(self._listeners)
        if changed:
            for listener in listeners:
                listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (from the binding thread) when the binding changes."""
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)
