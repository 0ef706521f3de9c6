"""The public notice of a case (issue 14): what goes in each tier, who may publish, what a
notice needs before it is published, and the frozen public content built from plain data.

Pure Python: the web layer gathers the case file and calls these functions. The public content
is built from an explicit list of fields so that nothing private (comments, opinions, evidence,
names of agents) can reach it.
"""

from __future__ import annotations

#: Case states whose notice may never be public (the register and the notice URL ignore them).
UNPUBLISHABLE_STATES = frozenset({"refuse", "abandonne"})
