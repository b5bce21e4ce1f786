"""The objects of the local org, one data module each. A new object is a new module here that defines
`OBJECT` (an objects.base.SObject) plus one line naming it in REGISTERED; models/schema.py assembles them."""

import importlib

# Stored objects first, in the order their tables and the global describe take them.
REGISTERED = (
    "individual",
    "contact",
    "lead",
    "account",
    "user",
    "scratch_org_info",
    "active_scratch_org",
    "profile",
    "permission_set",
    "object_permissions",
    "field_permissions",
    "permission_set_assignment",
    "organization",
    "user_permission_access",
    "tooling_layout",
    "tooling_flexipage",
    "tooling_source_member",
)


def registered() -> list:
    """Every registered object's SObject, in REGISTERED's order."""
    return [importlib.import_module(f"{__name__}.{name}").OBJECT for name in REGISTERED]
