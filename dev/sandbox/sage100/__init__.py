"""The Sage 100 sandbox: a generated company database and the users who change it.

`generate` creates a Sage 100-shaped company (the catalogue's tables, real column names,
widths and codes) at any SQLAlchemy URL; `simulate_erp` edits it the way Sage users do,
stamping each touched row.
"""

from sandbox.sage100.generate import GenerationReport, generate
from sandbox.sage100.scales import SCALES, Scale
from sandbox.sage100.simulate import ErpChanges, simulate_erp

__all__ = ["SCALES", "ErpChanges", "GenerationReport", "Scale", "generate", "simulate_erp"]
