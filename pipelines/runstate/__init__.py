"""Run state: what the pipeline received, loaded and refreshed, what it released and delivered, and which
runs hold a lock. One database every worker and the CLI share (store.py)."""
