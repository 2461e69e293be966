"""Readers for external instance formats (currently Curtois & Qu 2014)."""
