"""The kiosk side of sync with the central service."""
