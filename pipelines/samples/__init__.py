"""Deterministic sample exports for every unit in the registry, written the way real offices export."""
