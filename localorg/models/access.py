"""Who may do what: the seed and upkeep of Profile, PermissionSet, ObjectPermissions, FieldPermissions and
PermissionSetAssignment records (objects/profile.py and its neighbours define the objects).

As in Salesforce (docs/salesforce-facts.md, "Who can edit a field"): every profile owns a permission set
(IsOwnedByProfile = true) holding its object and field permissions; each user is assigned the permission
set of their profile as well as any others; a user's access is the union of every permission set
assigned. Only PermissionSetAssignment is created through the API; the others come from the seed and
from deployed PermissionSet metadata (sync_permission_set).
"""

from lxml import etree

ADMIN_PROFILE = "System Administrator"
REP_PROFILE = "Standard User"
REP_ACCESS = ("none", "read", "edit")  # what REP_PROFILE may do to Individual and its two flags
TRACKED_FIELDS = ("HasOptedOutTracking", "HasOptedOutProcessing")
MD_NS = "http://soap.sforce.com/2006/04/metadata"


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
