"""The benchmark (`make bench`, `python -m bench`): the sync measured against raw I/O.

bench.suite runs every measurement in order; bench.report turns the figures into targets
and a table. The engine itself runs in subprocesses (bench.runs, bench.child) against the
sandbox companies (bench.companies) and the platform sandbox, as an operator runs it.
"""
