"""PermissionSet (Object Reference, PermissionSet): a profile's own (IsOwnedByProfile) or one deployed as
metadata (models/access.py mirrors deployed ones); read through the API here."""

from localorg.models.objects.base import AUDIT, NO_FLAGS, SObject, std
from localorg.models.objects.profile import RO

OBJECT = SObject(
    "PermissionSet",
    (
        std("Id", "id", label="PermissionSet ID", **RO),
        std("Name", label="Permission Set Name", **RO),
        std("Label", label="Permission Set Label", **RO),
        std("Description", length=255, **RO),
        std("IsOwnedByProfile", "boolean", label="Is Owned By Profile", **RO),
        std("IsCustom", "boolean", label="Is Custom", **RO),
        std("ProfileId", "reference", reference_to="Profile", label="Profile ID", **RO),
        std("NamespacePrefix", length=15, **RO),
        std("PermissionsViewAllData", "boolean", label="View All Data", **RO),
        std("PermissionsModifyAllData", "boolean", label="Modify All Data", **RO),
        std("PermissionsPrivacyDataAccess", "boolean", label="Allow user to access privacy data", **RO),
        *AUDIT,
    ),
    label="Permission Set",
    plural="Permission Sets",
    key_prefix="0PS",
    flags={**NO_FLAGS, "retrieveable": True},
)
