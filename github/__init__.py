"""Everything that speaks GitHub: the client, its errors, the shared rate budget, URL parsing.

A plain package with no models: the catalogue, the figures and the rankings call it; it
imports nothing of theirs.
"""
