"""Procedure catalogue for citizens: browse by sector, agency, level and life event; search."""
