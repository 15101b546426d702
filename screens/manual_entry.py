"""Typed document details, when the zone cannot be scanned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from kiosk.domain.personnummer import normalise_personnummer
from kiosk.errors import InvalidPersonnummerError
from kiosk.services.ports import ManualDocument
from screens.base import KeySpec, KioskModal
from screens.key_bar import KeyBar

KINDS = (
    "passport",
    "national_id_card",
    "swedish_driving_licence",
    "sis_id_card",
    "tax_agency_id_card",
    "digital_id",
)
FIELDS = ("country", "number", "personnummer", "surname", "given_names", "expiry")
# What every kind must carry; a physical document also its issuer and expiry (R1).
REQUIRED = ("number", "personnummer", "surname")
REQUIRED_PHYSICAL = ("country", "expiry")


class ManualEntryScreen(KioskModal):
    CSS_PATH = Path(__file__).with_name("manual_entry.tcss")
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "save", "ui.key.save"),
        ("escape", "cancel", "ui.key.cancel"),
    )

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="manual-box", can_focus=False):
            yield Static(self.t("ui.manual.title"))
            with Grid():
                yield Label(self.t("ui.manual.kind"))
                yield Select(
                    [(self.t(f"ui.document.kind.{k}"), k) for k in KINDS],
                    value="passport",
                    allow_blank=False,
                    id="kind",
                )
                for name in FIELDS:
                    yield Label(self.t(f"ui.manual.{name}"))
                    yield Input(
                        id=name,
                        placeholder=self._placeholder(name),
                        value="SWE" if name == "country" else "",
                    )
            yield Static("", id="manual-message")
        yield KeyBar(self.ctx.catalogue)

    def on_mount(self) -> None:
        self.query_one("#kind", Select).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == FIELDS[-1]:
            self.action_save()
        else:
            self.focus_next()

    def _placeholder(self, name: str) -> str:
        key = f"ui.manual.{name}.placeholder"  # a field without an example has no key
        return self.t(key) if self.ctx.catalogue.has(key) else ""

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _refuse(self, text: str) -> None:
        message = self.query_one("#manual-message", Static)
        message.update(text)
        message.scroll_visible(animate=False)

    def action_save(self) -> None:
        kind = self.query_one("#kind", Select).value
        required = REQUIRED if kind == "digital_id" else REQUIRED + REQUIRED_PHYSICAL
        missing = [self.t(f"ui.manual.{n}") for n in FIELDS if n in required and not self._value(n)]
        if missing:
            self._refuse(self.t("ui.manual.missing_fields", fields=", ".join(missing)))
            return
        expiry_text = self._value("expiry")
        expiry: dt.date | None = None
        if expiry_text:
            try:
                expiry = dt.date.fromisoformat(expiry_text)
            except ValueError:
                self._refuse(self.t("ui.manual.bad_date"))
                return
        from clock import local_date

        try:
            normalise_personnummer(self._value("personnummer"), local_date(self.ctx.clock()))
        except InvalidPersonnummerError as exc:
            self._refuse(self.ctx.catalogue.error(exc))
            return
        self.dismiss(
            ManualDocument(
                kind=str(kind),
                issuing_country=self._value("country").upper(),
                document_number=self._value("number").upper(),
                personnummer=self._value("personnummer"),
                surname=self._value("surname"),
                given_names=self._value("given_names"),
                expiry=expiry,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
