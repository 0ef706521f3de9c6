"""Public procurement: the vendor questionnaire as a tender annex, reading a returned annex back,
the maturity of a bidder's answers and the reusable « dossier fournisseur » (pure Python).

* :mod:`.pack` — the grid's vendor-facing questions, the annex's instructions, its fingerprint;
* :mod:`.sheets` — a small, standard-library reader of spreadsheet cells (ODS, ODT tables, XLSX)
  under size limits, so that the core reads a returned annex without a file library;
* :mod:`.annex` — :func:`~.annex.read_annex`: a returned annex checked whole, or refused;
* :mod:`.maturity` — complete / partial / not anticipated, per answer and per criterion;
* :mod:`.dossier` — the JSON « dossier fournisseur » (``boussole-dossier-fournisseur/1``).
"""
