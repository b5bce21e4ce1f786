"""Seed data of a new local org: its layouts, settings and people."""

from localorg.models.seed.layouts import seed_layout_names, seed_layouts
from localorg.models.seed.people import seed_people
from localorg.models.seed.settings import seed_settings, settings_document
from localorg.models.seed.standard import seed_standard

__all__ = ["seed_layout_names", "seed_layouts", "seed_people", "seed_settings", "seed_standard", "settings_document"]
