"""The kiosk's local store: SQLite (or PostgreSQL) with encrypted personal fields.

Modules: ``keys`` (key file), ``crypto`` (AES-GCM fields, blind indexes), ``models``
(tables and plain records), ``database`` (engine, migrations, ``Store``), ``journal``
(hash-chained, signed audit trail and sync outbox, in the event format of
``protocol.event_format``), ``holders`` (encrypted rows),
``bulk`` (fast import), ``lookup`` (fast exact lookups), ``state`` (key/value state),
``puk_cache`` (PUKs of 7xx cards). This package never imports ``kiosk`` or ``screens``.
"""
