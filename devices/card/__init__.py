"""Smart-card layer (PIV, NIST SP 800-73-4) for e-tjänstekort.

Layers, each in its own module:

- ``pcsc``: raw exchange over PC/SC; the only module that imports ``smartcard``.
- ``apdu``: APDU encoding, BER-TLV, status words → typed errors (``errors``).
- ``piv``: ``PivSession`` over any ``Connection`` (select, CHUID, printed information with
  the product number, certificates 9A/9C/9D/9E, PIN/PUK, signatures).
- ``certs``: validity, chain to the configured intermediate and root (R13), key usage,
  holder identifier (personnummer or HSA-id).
- ``reading``: ``read_card(session, anchors, now=...) -> CardReading``.
- ``readers``: reader roles (operator / customer) and the ``ReaderWatcher`` thread.
"""
