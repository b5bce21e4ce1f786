"""Profile (Object Reference, Profile): read through the API; its permissions live in its own permission set."""

from localorg.models.objects.base import AUDIT, NO_FLAGS, SObject, std

RO = {"readonly": True}

OBJECT = SObject(
    "Profile",
    (
        std("Id", "id", label="Profile ID", **RO),
        std("Name", label="Name", length=255, **RO),
        std("UserType", "picklist", label="User Type", **RO),
        std("PermissionsViewAllData", "boolean", label="View All Data", **RO),
        std("PermissionsModifyAllData", "boolean", label="Modify All Data", **RO),
        std("PermissionsPrivacyDataAccess", "boolean", label="Allow user to access privacy data", **RO),
        *AUDIT,
    ),
    label="Profile",
    plural="Profiles",
    key_prefix="00e",
    flags={**NO_FLAGS, "retrieveable": True},
)
