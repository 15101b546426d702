"""One modal screen per counter workflow. Each takes the catalogue, its service and the
visit context (or the operator) in its constructor, runs the service in a thread worker,
shows refusals with their catalogue text and closes with ``dismiss(result)``: the
service's ``Done`` after success, ``None`` when the clerk leaves with Escape. Ctrl+S runs
the step; Enter moves to the next field (and runs the step on the last).

Wiring:

1. container: ``workflows = build_workflows(store=store, journal=journal,
   card_opener=opener_for(cards, ReaderRole.CUSTOMER), clock=now,
   puk_refresh=lambda: sync_client.run_round().online)`` (``kiosk.services.workflows``
   ``.container``, ``kiosk.services.card``), kept on the services object.
2. ``launch.session_entries(ctx, workflows)`` gives one entry per workflow (title, help,
   suggested key, ``make()``), made from the clerk's session; the app binds each
   ``suggested_key``, the palette (``screens.commands``) lists each entry, and
   ``screens.work_mode.WorkMode.open_workflow`` pushes ``entry.make()``.
3. the app runs ``workflows.sweep.sweep(now, operator=<logged-in hsa_id or None>)`` at
   start and every hour in a thread worker.
4. receipts: ``WorkflowScreen.finished`` posts ``screens.messages.WorkflowDone`` the
   moment the service returned (the transaction has committed); the app hands it to
   ``receipt_flow.ReceiptFlow``, which asks the container's ``ReceiptDesk``
   (``kiosk.receipts.desk``) for the receipt in a thread worker: activation and return
   open ``receipt.HolderSignScreen`` (the holder signs with card and PIN, or Escape for an
   unsigned receipt), everything else is issued at once; the clerk is told where it went.
   ``receipt.ReprintScreen``: a receipt again by id.
"""
