"""Pilot tests of the workflow screens run in the workflow world (real store, in-process
virtual cards): its fixtures come from ``tests.support.world``."""

from tests.support.world import factory, world  # noqa: F401 (pytest fixtures)
