"""FieldPermissions (Object Reference, FieldPermissions): one permission set's access to one field."""

from localorg.models.objects.base import AUDIT, NO_FLAGS, SObject, std
from localorg.models.objects.object_permissions import PARENT
from localorg.models.objects.profile import RO

OBJECT = SObject(
    "FieldPermissions",
    (
        std("Id", "id", label="FieldPermissions ID", **RO),
        PARENT,
        std("SobjectType", "picklist", label="Sobject Type Name", **RO),
        std("Field", label="Field Name", length=255, **RO),
        std("PermissionsRead", "boolean", label="Read Access", **RO),
        std("PermissionsEdit", "boolean", label="Edit Access", **RO),
        *AUDIT,
    ),
    label="Field Permissions",
    plural="Field Permissions",
    key_prefix="01k",
    flags={**NO_FLAGS, "retrieveable": True},
)
