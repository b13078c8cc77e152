"""gesprekken: de gesprekkencyclus van een basisschool als data."""

__version__ = "0.1.0"
