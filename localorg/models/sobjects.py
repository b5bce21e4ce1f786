"""The org's sObjects as SOQL, describes and record reads see them: which exist now, their fields,
the computed single-row objects, and the SOQL engine's view of the org (OrgSource)."""

from localorg.models.ids import normalize_id
from localorg.models.organization import standing_values
from localorg.models.schema import FIELDS, TOOLING_FIELDS, VIRTUAL_FIELDS, Field, child_lookups
from localorg.soql import Source

TIME_ZONE = "Europe/London"  # the org's TimeZoneSidKey: where SOQL date literals' days begin


def object_fields(org, obj: str) -> list[Field]:
    """Fields of obj as they exist now (empty if the object does not)."""
    if obj in VIRTUAL_FIELDS:
        return list(VIRTUAL_FIELDS[obj])
    return org.visibility.fields(obj)


def canonical_object(org, name: str) -> str | None:
    """The object's API name as the org spells it, if it exists now (names are case-insensitive)."""
    for obj in [*FIELDS, *VIRTUAL_FIELDS]:
        if obj.lower() == (name or "").lower():
            return obj if object_fields(org, obj) else None
    return None


def virtual_rows(org, obj: str) -> list[dict]:
    """The single-row objects computed from the identity and the metadata."""
    p = org.identity
    if obj == "Organization":
        return [
            {
                "Id": p.org_id,
                "Name": p.org_name,
                "OrganizationType": p.edition,
                "IsSandbox": p.is_sandbox,
                "InstanceName": p.instance_name,
                "NamespacePrefix": None,
                "TrialExpirationDate": p.trial_expiration,
                "PreferencesConsentManagementEnabled": org.consent_enabled,
                "LanguageLocaleKey": "en_US",
                "DefaultLocaleSidKey": "en_GB",
                "TimeZoneSidKey": TIME_ZONE,
                "Country": "GB",
                **standing_values("GB", p.user_id, org.created),
            }
        ]
    if obj == "UserPermissionAccess":
        # Modify All Data and Modify Metadata include Customize Application in Salesforce, so a user
        # without Customize Application lacks them too.
        admin = p.customize_application
        return [
            {
                "Id": None,
                "PermissionsCustomizeApplication": admin,
                "PermissionsModifyAllData": admin,
                "PermissionsModifyMetadata": admin,
                "PermissionsApiEnabled": True,
                "PermissionsLightningExperienceUser": p.lightning,
                "PermissionsViewSetup": admin,
                "PermissionsViewAllData": admin,
                "PermissionsPrivacyDataAccess": False,
            }
        ]
    return []


class OrgSource(Source):
    """The SOQL engine's view of a LocalOrg; `tooling` adds the Tooling API's own objects (TOOLING_FIELDS)."""

    time_zone = TIME_ZONE
    week_start = 0  # the org's locale, en_GB, starts weeks on Monday

    def __init__(self, org, api_version: str, tooling: bool = False):
        self.org, self.api_version, self.tooling = org, api_version, tooling

    def child_relationships(self, obj):
        """The lookups to obj that exist now and name their relationship on obj (as its describe lists them)."""
        if self._tooling_object(obj):
            return {}
        return {
            f.child_relationship[0].lower(): (child, f.name, f.child_relationship[0])
            for child, f in child_lookups(self.org.visibility, obj)
            if f.child_relationship[0]  # a lookup without a relationship name has no subquery
        }

    @property
    def sobjects_url(self) -> str:
        return f"/services/data/v{self.api_version}/{'tooling/' if self.tooling else ''}sobjects"

    def _tooling_object(self, obj: str) -> str | None:
        if not self.tooling:
            return None
        found = next((o for o in TOOLING_FIELDS if o.lower() == (obj or "").lower()), None)
        if found == "SourceMember" and self.org.metadata.source_members is None:
            return None  # an org that does not track source has no SourceMember
        return found

    def canonical_object(self, obj):
        return self._tooling_object(obj) or canonical_object(self.org, obj)

    def fields(self, obj):
        found = self._tooling_object(obj)
        return {f.name.lower(): f for f in (TOOLING_FIELDS[found] if found else object_fields(self.org, obj))}

    def rows(self, obj, prefilter=None):
        if self._tooling_object(obj) == "Layout":
            return self.org.metadata.tooling_layouts()
        if self._tooling_object(obj) == "FlexiPage":
            return self.org.metadata.tooling_flexipages()
        if self._tooling_object(obj) == "SourceMember":
            return self.org.metadata.source_members.rows()
        if obj in VIRTUAL_FIELDS:
            return virtual_rows(self.org, obj)
        visible = {f.name for f in object_fields(self.org, obj)}
        records = self.org.records
        if prefilter:
            name, values = prefilter
            if name == "Id" or name.endswith("Id"):  # ids may come as 15 characters; stored as 18
                values = [normalize_id(v) or v for v in values]
            rows = records.rows_where(obj, name, values)
        else:
            rows = records.rows(obj)
        return ({k: v for k, v in row.items() if k in visible} for row in rows)

    def get(self, obj, record_id):
        if obj in VIRTUAL_FIELDS or obj in TOOLING_FIELDS or not canonical_object(self.org, obj):
            return None
        return self.org.records.get(obj, record_id)
