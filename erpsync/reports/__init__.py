"""Run history for people: what a run was (facts.py), its figures as CSV/JSON (export.py),
the self-contained HTML report with its SVG charts (html.py, svg.py) and the Prefect
artifacts of a run (artifacts.py). The text tables of the CLI are erpsync.report.

Nothing here is imported by `erpsync --help`; Prefect loads only inside artifacts.py's
function.
"""
