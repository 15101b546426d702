"""Card office kiosk: the counter system for e-tjänstekort (SITHS cards)."""

__version__ = "0.1.0"
