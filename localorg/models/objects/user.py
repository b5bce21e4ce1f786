"""User (Object Reference, User)."""

from .base import AUDIT, LAYOUT_URLS, RECORD_OBJECT, SObject, individual_lookup, std

OBJECT = SObject(
    "User",
    (
        std("Id", "id", readonly=True, label="User ID"),
        std("Username", required=True),
        std("FirstName", length=40),
        std("LastName", required=True),
        std("Name", readonly=True),
        std("Email", "email", required=True),
        std("IsActive", "boolean"),
        std("UserType", "picklist", readonly=True),
        individual_lookup(prefilterable=False),
        std("ProfileId", "reference", reference_to="Profile", label="Profile ID"),
        *AUDIT,
    ),
    label="User",
    plural="Users",
    key_prefix="005",
    person_named=True,
    flags={**RECORD_OBJECT, "deletable": False, "mergeable": False, "undeletable": False},
    urls={
        **LAYOUT_URLS,
        "namedLayouts": "/describe/namedLayouts/{LayoutName}",
        "passwordUtilities": "/{ID}/password",
        "quickActions": "/quickActions",
    },
)
