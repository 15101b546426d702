"""Which of the counter's two readers a reader is: the operator's own card or the
customer's. Its own module, free of pyscard, so that the kiosk's ports and screens can
name a reader's role without loading the PC/SC binding."""

from __future__ import annotations

from enum import StrEnum


class ReaderRole(StrEnum):
    """The counter has two readers: the operator's own card and the customer's."""

    OPERATOR = "operator"
    CUSTOMER = "customer"
