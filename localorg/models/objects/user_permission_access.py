"""UserPermissionAccess: the running user's permissions, one computed row."""

from localorg.models.objects.base import NO_FLAGS, Field, SObject

PERMISSIONS = (
    "CustomizeApplication",
    "ModifyAllData",
    "ModifyMetadata",
    "ApiEnabled",
    "LightningExperienceUser",
    "ViewSetup",
    "ViewAllData",
    "PrivacyDataAccess",  # Allow user to access privacy data (the Consent API takes it or View All Data)
)

OBJECT = SObject(
    "UserPermissionAccess",
    (
        Field("Id", "id", "ID", readonly=True),
        *[Field(f"Permissions{p}", "boolean", p, readonly=True) for p in PERMISSIONS],
    ),
    label="User Permission Access",
    plural="User Permission Access",
    key_prefix="0up",
    kind="virtual",
    flags=NO_FLAGS,
)
