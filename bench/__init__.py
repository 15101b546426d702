"""Benchmarks: one module per area, each printing JSON lines through ``report``.

A module exposes ``FIGURES``: a mapping of figure name to a callable returning a
``Figure`` (or a list of them). ``kiosk bench NAME`` runs the figures whose name or
module starts with NAME; ``kiosk bench all`` runs them all.
"""
