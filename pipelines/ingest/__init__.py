"""Ingest stage: pull each unit's sources (sources/), receive deliveries into the raw zone, load the warehouse."""
