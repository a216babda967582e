"""Dossier statistics per agency and period (the figures of QĐ 766 "progress").

``selectors`` computes them by aggregate SQL and holds the scoping; ``presentation`` turns them into
display rows and the server-side SVG bar chart; ``xlsx`` writes the export; ``views``/``urls`` serve
the workspace page. The REST API (``apps/dossiers/api.py``) answers from the same selectors.
Dependencies point inwards: views → presentation/xlsx → selectors.
"""
