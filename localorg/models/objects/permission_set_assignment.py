"""PermissionSetAssignment (Object Reference, PermissionSetAssignment): a user holding a permission set;
created and deleted through the API (to change one, delete it and insert another)."""

from localorg.models.objects.base import AUDIT, NO_FLAGS, SObject, std

OBJECT = SObject(
    "PermissionSetAssignment",
    (
        std("Id", "id", readonly=True, label="Permission Set Assignment ID"),
        std("AssigneeId", "reference", reference_to="User", label="Assignee ID", required=True, create_only=True),
        std(
            "PermissionSetId",
            "reference",
            reference_to="PermissionSet",
            label="Permission Set ID",
            required=True,
            create_only=True,
        ),
        *AUDIT,
    ),  # fmt: skip
    label="Permission Set Assignment",
    plural="Permission Set Assignments",
    key_prefix="0Pa",
    flags={**NO_FLAGS, "createable": True, "deletable": True, "retrieveable": True},
)
