"""Presentation helpers shared by the pages: formatting, data access, page chrome."""
