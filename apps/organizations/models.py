"""Administrative units, agencies and their units, and reorganisations over time."""
