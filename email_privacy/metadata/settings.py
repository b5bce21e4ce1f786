"""Settings documents: the four switches, reading and building them (docs/salesforce-facts.md, Settings metadata)."""

from collections.abc import Mapping

from lxml import etree

from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.metadata.documents import MDAPI_NS
from email_privacy.metadata.xmltree import local

CONSENT = ("PartyDataModelSettings", "enableConsentManagement")
EMAIL_CONSENT = ("EmailAdministrationSettings", "enableEmailConsentManagement")
ENHANCED_EMAIL = ("EmailAdministrationSettings", "enableEnhancedEmailEnabled")
EMAIL_TRACKING = ("ActivitiesSettings", "enableEmailTracking")
LIGHTNING = ("LightningExperienceSettings", "enableS1DesktopEnabled")

FEATURE_SETTINGS = {
    CONSENT: "Data Protection and Privacy: Make data protection details available in records",
    EMAIL_CONSENT: "Enforce email privacy settings",
    ENHANCED_EMAIL: "Enhanced Email",
    EMAIL_TRACKING: "Enable Email Tracking",
}

# The settings files a retrieve must fetch to know the org's state (LightningExperience for enhanced_email: auto).
READ_TYPES = (
    "PartyDataModelSettings",
    "EmailAdministrationSettings",
    "ActivitiesSettings",
    "LightningExperienceSettings",
)

PURGE_WARNING = (
    "PartyDataModelSettings.enableConsentManagement can only be turned on: deploying false "
    "purges the org's data protection and privacy records"
)


def by_type(pairs: Mapping[tuple[str, str], bool]) -> dict[str, dict[str, bool]]:
    grouped: dict[str, dict[str, bool]] = {}
    for (settings_type, field), value in pairs.items():
        grouped.setdefault(settings_type, {})[field] = value
    return grouped


def read_settings(tree, name: str = "settings") -> dict[str, bool | str]:
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    values: dict[str, bool | str] = {}
    for child in root:
        field = local(child)
        if not field:
            continue  # comments
        text = (child.text or "").strip()
        values[field] = {"true": True, "false": False}.get(text, text)
    return values


def changes_needed(
    desired: Mapping[tuple[str, str], bool], current: Mapping[str, Mapping[str, object]]
) -> dict[str, dict[str, bool]]:
    changes: dict[str, dict[str, bool]] = {}
    for (settings_type, field), value in desired.items():
        if current.get(settings_type, {}).get(field) is not value:
            changes.setdefault(settings_type, {})[field] = value
    return changes


def build_document(settings_type: str, values: Mapping[str, bool]) -> etree._ElementTree:
    """Only `values`, in schema order; refuses enableConsentManagement false whatever the caller asks (it purges
    privacy data)."""
    if settings_type not in documents.SETTINGS:
        raise OptionError(
            f"Settings type {settings_type!r} is not one this project writes; "
            f"use one of {', '.join(documents.SETTINGS)}."
        )
    if settings_type == CONSENT[0] and values.get(CONSENT[1]) is not None and values.get(CONSENT[1]) is not True:
        raise OptionError(f"Refusing to build {settings_type}: {PURGE_WARNING}.")
    order = documents.SETTINGS[settings_type]
    unknown = [f for f in values if f not in order]
    if unknown:
        raise OptionError(f"{settings_type} has no field {', '.join(unknown)}.")
    root = etree.Element(f"{{{MDAPI_NS}}}{settings_type}", nsmap={None: MDAPI_NS})
    for field in order:
        if field in values:
            value = values[field]
            etree.SubElement(root, f"{{{MDAPI_NS}}}{field}").text = (
                ("true" if value else "false") if isinstance(value, bool) else str(value)
            )
    etree.indent(root, space="    ")
    return etree.ElementTree(root)


def settings_documents(changes: Mapping[str, Mapping[str, bool]]) -> dict[str, bytes]:
    return {t: documents.serialize(build_document(t, values)) for t, values in changes.items()}
