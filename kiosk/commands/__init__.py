"""One module per ``kiosk`` subcommand; each exposes ``register(subparsers)``."""
