"""Validation: JSON Schema and each network's rules over loaded posts, as diagnostics.

``checks`` runs the schema and the rules table; ``ahead`` catches at validate what
Publer would refuse at apply (times, gaps, recycling variations, media bytes);
``callbacks`` checks comments, auto-share and auto-delete; ``shapes`` a Facebook card's
default image and WordPress and YouTube taxonomies.
"""
