"""Who may do what: Profile, PermissionSet, ObjectPermissions, FieldPermissions, PermissionSetAssignment.

Registered into the one schema (schema.py) as stored objects, so SOQL, describes and record writes see
them as any other. As in Salesforce (docs/salesforce-facts.md, "Who can edit a field"): every profile
owns a permission set (IsOwnedByProfile = true) holding its object and field permissions; each user is
assigned the permission set of their profile as well as any others; a user's access is the union of
every permission set assigned. Only PermissionSetAssignment is created through the API here; the
others come from the seed and from deployed PermissionSet metadata (sync_permission_set).
"""

from lxml import etree

ADMIN_PROFILE = "System Administrator"
REP_PROFILE = "Standard User"
REP_ACCESS = ("none", "read", "edit")  # what REP_PROFILE may do to Individual and its two flags
TRACKED_FIELDS = ("HasOptedOutTracking", "HasOptedOutProcessing")
MD_NS = "http://soap.sforce.com/2006/04/metadata"

KEY_PREFIX = {
    "Profile": "00e",
    "PermissionSet": "0PS",
    "ObjectPermissions": "110",
    "FieldPermissions": "01k",
    "PermissionSetAssignment": "0Pa",
}
LABELS = {
    "Profile": ("Profile", "Profiles"),
    "PermissionSet": ("Permission Set", "Permission Sets"),
    "ObjectPermissions": ("Object Permissions", "Object Permissions"),
    "FieldPermissions": ("Field Permissions", "Field Permissions"),
    "PermissionSetAssignment": ("Permission Set Assignment", "Permission Set Assignments"),
}


def fields(std, audit) -> dict:
    """{object: [Field]} built with the schema's own field maker (`std`) and audit fields."""
    ro = {"readonly": True}
    parent = dict(reference_to="PermissionSet", label="Parent ID", create_only=True, required=True)
    return {
        "Profile": [
            std("Id", "id", label="Profile ID", **ro),
            std("Name", label="Name", length=255, **ro),
            std("UserType", "picklist", label="User Type", **ro),
            std("PermissionsViewAllData", "boolean", label="View All Data", **ro),
            std("PermissionsModifyAllData", "boolean", label="Modify All Data", **ro),
            std("PermissionsPrivacyDataAccess", "boolean", label="Allow user to access privacy data", **ro),
            *audit,
        ],
        "PermissionSet": [
            std("Id", "id", label="PermissionSet ID", **ro),
            std("Name", label="Permission Set Name", **ro),
            std("Label", label="Permission Set Label", **ro),
            std("Description", length=255, **ro),
            std("IsOwnedByProfile", "boolean", label="Is Owned By Profile", **ro),
            std("IsCustom", "boolean", label="Is Custom", **ro),
            std("ProfileId", "reference", reference_to="Profile", label="Profile ID", **ro),
            std("NamespacePrefix", length=15, **ro),
            std("PermissionsViewAllData", "boolean", label="View All Data", **ro),
            std("PermissionsModifyAllData", "boolean", label="Modify All Data", **ro),
            std("PermissionsPrivacyDataAccess", "boolean", label="Allow user to access privacy data", **ro),
            *audit,
        ],
        "ObjectPermissions": [
            std("Id", "id", label="ObjectPermissions ID", **ro),
            std("ParentId", "reference", **parent),
            std("SobjectType", "picklist", label="Sobject Type Name", **ro),
            *[
                std(f"Permissions{p}", "boolean", **ro)
                for p in ("Read", "Create", "Edit", "Delete", "ViewAllRecords", "ModifyAllRecords")
            ],
            *audit,
        ],
        "FieldPermissions": [
            std("Id", "id", label="FieldPermissions ID", **ro),
            std("ParentId", "reference", **parent),
            std("SobjectType", "picklist", label="Sobject Type Name", **ro),
            std("Field", label="Field Name", length=255, **ro),
            std("PermissionsRead", "boolean", label="Read Access", **ro),
            std("PermissionsEdit", "boolean", label="Edit Access", **ro),
            *audit,
        ],
        "PermissionSetAssignment": [
            std("Id", "id", label="Permission Set Assignment ID", **ro),
            std("AssigneeId", "reference", reference_to="User", label="Assignee ID", required=True, create_only=True),
            std(
                "PermissionSetId",
                "reference",
                reference_to="PermissionSet",
                label="Permission Set ID",
                required=True,
                create_only=True,
            ),
            *audit,
        ],
    }


def _permissions(records, parent_id: str, obj: str, object_perms: dict, field_perms: dict) -> None:
    """Replace the object and field permissions of one permission set on one object."""
    records.db.execute('DELETE FROM "ObjectPermissions" WHERE ParentId = ? AND SobjectType = ?', (parent_id, obj))
    records.db.execute('DELETE FROM "FieldPermissions" WHERE ParentId = ? AND SobjectType = ?', (parent_id, obj))
    if any(object_perms.values()):
        row = {
            "ParentId": parent_id,
            "SobjectType": obj,
            **{f"Permissions{k}": int(v) for k, v in object_perms.items()},
        }
        records.insert_raw("ObjectPermissions", [row])
    rows = [
        {"ParentId": parent_id, "SobjectType": obj, "Field": f"{obj}.{name}", "PermissionsRead": int(read),
         "PermissionsEdit": int(edit)}
        for name, (read, edit) in field_perms.items()
        if read or edit
    ]  # fmt: skip
    if rows:
        records.insert_raw("FieldPermissions", rows)


def _grant(read: bool, edit: bool) -> tuple[dict, dict]:
    objects = {"Read": read, "Create": edit, "Edit": edit, "Delete": False, "ViewAllRecords": False,
               "ModifyAllRecords": False}  # fmt: skip
    return objects, {name: (read, edit) for name in TRACKED_FIELDS}


def seed_access(records, admin_id: str, admin_is_admin: bool, rep_users: int, rep_access: str) -> None:
    """Two profiles and their permission sets; the running user on System Administrator (or, without
    Customize Application, on Standard User), `rep_users` active users on Standard User; Standard User's
    access to Individual's Don't Track / Don't Process as `rep_access` says."""
    profiles = {}
    for name, admin in ((ADMIN_PROFILE, True), (REP_PROFILE, False)):
        (pid,) = records.insert_raw(
            "Profile",
            [{"Name": name, "UserType": "Standard", "PermissionsViewAllData": int(admin),
              "PermissionsModifyAllData": int(admin), "PermissionsPrivacyDataAccess": 0}],
        )  # fmt: skip
        # A profile's own permission set is named after no API name a user picks (as real ones are).
        (ps,) = records.insert_raw(
            "PermissionSet",
            [{"Name": f"X00ex00000018ozh_128_09_04_12_{len(profiles) + 1}", "Label": name, "IsOwnedByProfile": 1,
              "IsCustom": 0, "ProfileId": pid, "PermissionsViewAllData": int(admin),
              "PermissionsModifyAllData": int(admin), "PermissionsPrivacyDataAccess": 0}],
        )  # fmt: skip
        profiles[name] = (pid, ps)
    _permissions(records, profiles[ADMIN_PROFILE][1], "Individual", *_grant(True, True))
    _permissions(records, profiles[REP_PROFILE][1], "Individual", *_grant(rep_access != "none", rep_access == "edit"))
    admin_profile = ADMIN_PROFILE if admin_is_admin else REP_PROFILE
    records.db.execute('UPDATE "User" SET ProfileId = ? WHERE Id = ?', (profiles[admin_profile][0], admin_id))
    reps = records.insert_raw(
        "User",
        [
            {"Username": f"rep{i}@emailprivacy.localorg", "FirstName": "Rep", "LastName": f"Number {i}",
             "Email": f"rep{i}@example.com", "IsActive": 1, "UserType": "Standard",
             "ProfileId": profiles[REP_PROFILE][0]}
            for i in range(1, rep_users + 1)
        ],
    )  # fmt: skip
    records.insert_raw(
        "PermissionSetAssignment",
        [{"AssigneeId": admin_id, "PermissionSetId": profiles[admin_profile][1]}]
        + [{"AssigneeId": rep, "PermissionSetId": profiles[REP_PROFILE][1]} for rep in reps],
    )


def sync_permission_set(records, name: str, data: bytes) -> None:
    """A deployed PermissionSet (MDAPI XML) as the records SOQL reads: its row, object and field permissions."""
    root = etree.fromstring(data)

    def text(el, tag, default=""):
        found = el.find(f"{{{MD_NS}}}{tag}")
        return found.text if found is not None and found.text else default

    def flag(el, tag):
        return text(el, tag).strip().lower() == "true"

    row = records.db.execute('SELECT Id FROM "PermissionSet" WHERE Name = ?', (name,)).fetchone()
    values = {"Name": name, "Label": text(root, "label", name), "Description": text(root, "description") or None}
    if row is None:
        (ps,) = records.insert_raw("PermissionSet", [{**values, "IsOwnedByProfile": 0, "IsCustom": 1}])
    else:
        ps = row["Id"]
        records.set_system_fields("PermissionSet", ps, values)
    objects: dict[str, dict] = {}
    for el in root.findall(f"{{{MD_NS}}}objectPermissions"):
        objects[text(el, "object")] = {
            "Read": flag(el, "allowRead"), "Create": flag(el, "allowCreate"), "Edit": flag(el, "allowEdit"),
            "Delete": flag(el, "allowDelete"), "ViewAllRecords": flag(el, "viewAllRecords"),
            "ModifyAllRecords": flag(el, "modifyAllRecords"),
        }  # fmt: skip
    field_perms: dict[str, dict] = {}
    for el in root.findall(f"{{{MD_NS}}}fieldPermissions"):
        obj, _, field = text(el, "field").partition(".")
        field_perms.setdefault(obj, {})[field] = (flag(el, "readable"), flag(el, "editable"))
    for obj in set(objects) | set(field_perms):
        _permissions(records, ps, obj, objects.get(obj, {}), field_perms.get(obj, {}))


def register(fields_by_object, key_prefix, prefix_object, labels, virtual_fields, std, audit) -> None:
    """Add these objects to the one schema, the User's profile lookup, and the running user's privacy-data
    permission (the Consent API needs it or View All Data: docs/salesforce-facts.md, "Consent API")."""
    fields_by_object.update(fields(std, audit))
    fields_by_object["User"].insert(
        -len(audit), std("ProfileId", "reference", reference_to="Profile", label="Profile ID")
    )
    key_prefix.update(KEY_PREFIX)
    prefix_object.update({v: k for k, v in KEY_PREFIX.items()})
    labels.update(LABELS)
    virtual_fields["UserPermissionAccess"].append(
        std("PermissionsPrivacyDataAccess", "boolean", label="PrivacyDataAccess", readonly=True)
    )
