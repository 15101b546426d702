"""One modal screen per counter workflow (issue 7). Each takes its service, the catalogue
and the visit context (or the operator) in its constructor, runs the service in a thread
worker, shows refusals with their catalogue text and closes with ``dismiss(result)``:
the service's ``Done`` on success, ``None`` when the clerk leaves with Escape."""
