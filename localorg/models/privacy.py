"""What turning Data Protection and Privacy off does to an org. Salesforce documents that deploying
`PartyDataModelSettings.enableConsentManagement` false purges the org's data protection details, such as
privacy preferences and stored consent forms (Metadata API Developer Guide, PartyDataModelSettings;
docs/salesforce-facts.md). The org applies it as a real org would, and says so in its request log.
"""

from localorg.models.schema import FIELDS, Visibility

CONSENT_SWITCH = ("PartyDataModelSettings", "enableConsentManagement")


def consent_only_objects() -> list[str]:
    """Objects that exist only while consent management is on (Individual and the consent records)."""
    on, off = Visibility(consent=True), Visibility(consent=False)
    return [obj for obj in FIELDS if on.object_exists(obj) and not off.object_exists(obj)]


def purge_privacy_data(records) -> str:
    """Delete every record of the consent-only objects and clear the lookups to them; returns what was purged."""
    counts = {obj: records.count(obj) for obj in consent_only_objects()}
    lookups = [(obj, f.name) for obj, fields in FIELDS.items() if obj not in counts for f in fields if f.needs_consent]
    records.purge(list(counts), lookups)
    held = ", ".join(f"{n} {obj}" for obj, n in counts.items())
    return f"PartyDataModelSettings.enableConsentManagement turned off: data protection details purged ({held})"
