"""Organization: one row computed from the org's identity and settings (models/organization.py)."""

from localorg.models import organization
from localorg.models.objects.base import NO_FLAGS, Field, SObject, std

OBJECT = SObject(
    "Organization",
    (
        Field("Id", "id", "Organization ID", readonly=True),
        Field("Name", "string", "Name", length=80),
        Field("OrganizationType", "picklist", "Edition", readonly=True),
        Field("IsSandbox", "boolean", "Is Sandbox", readonly=True),
        Field("InstanceName", "string", "Instance Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TrialExpirationDate", "datetime", "Trial Expiration Date", readonly=True),
        Field("PreferencesConsentManagementEnabled", "boolean", "Consent Management Enabled"),
        Field("LanguageLocaleKey", "picklist", "Language"),
        Field("DefaultLocaleSidKey", "picklist", "Locale"),
        Field("TimeZoneSidKey", "picklist", "Time Zone"),
        Field("Country", "string", "Country"),
        *[std(name, type_, readonly=True) for name, type_, _ in organization.STANDING],
        *[std(n, t, readonly=True, reference_to="User" if t == "reference" else None) for n, t in organization.AUDIT],
    ),
    label="Organization",
    plural="Organizations",
    key_prefix="00D",
    kind="virtual",
    flags={**NO_FLAGS, "replicateable": True, "retrieveable": True, "updateable": True},
)
