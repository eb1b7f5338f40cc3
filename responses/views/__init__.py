"""Pages of the responses app (Simplified Chinese by default), one module per resource (issue 12 §4):

* ``orders`` — the order list, the new-order form, an order's page and its buttons, the Center's inbox;
* ``steps`` — the back office's queue, a work step's buttons, a special order's buttons;
* ``phone`` (R1.11), ``contacts`` (R1.13), ``requisitions`` (R1.7), ``builds`` (R1.18),
  ``expansions`` (R1.15), ``recovery`` (R1.16), ``circuits`` (R1.17) — the work around the orders;
* ``reports`` — the monthly response report (R1.22).

Every write calls a service; what a person sees comes from ``selectors`` (department scope). A page's
buttons are one table per record, ``action name → action`` (``common.Actions``), run by
``common.run_named_action``: follow a button's name to its row, and the row to its service.
"""
