"""Central schema revisions."""
