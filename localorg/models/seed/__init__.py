"""Seed data of a new local org: its layouts, settings and people."""

from .layouts import seed_layout_names, seed_layouts
from .people import seed_people
from .settings import seed_settings, settings_document
from .standard import seed_standard

__all__ = ["seed_layout_names", "seed_layouts", "seed_people", "seed_settings", "seed_standard", "settings_document"]
