"""ObjectPermissions (Object Reference, ObjectPermissions): one permission set's access to one object."""

from localorg.models.objects.base import AUDIT, NO_FLAGS, SObject, std
from localorg.models.objects.profile import RO

PARENT = std("ParentId", "reference", reference_to="PermissionSet", label="Parent ID", **RO)

OBJECT = SObject(
    "ObjectPermissions",
    (
        std("Id", "id", label="ObjectPermissions ID", **RO),
        PARENT,
        std("SobjectType", "picklist", label="Sobject Type Name", **RO),
        *[
            std(f"Permissions{p}", "boolean", **RO)
            for p in ("Read", "Create", "Edit", "Delete", "ViewAllRecords", "ModifyAllRecords")
        ],
        *AUDIT,
    ),
    label="Object Permissions",
    plural="Object Permissions",
    key_prefix="110",
    flags={**NO_FLAGS, "retrieveable": True},
)
