"""Exported status summaries and the province view (issue 7)."""
