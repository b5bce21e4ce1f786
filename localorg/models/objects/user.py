"""User (Object Reference, User)."""

from localorg.models.objects.base import AUDIT, LAYOUT_URLS, RECORD_OBJECT, SObject, address, individual_lookup, std

# More of the standard fields (Object Reference, User: names, types, lengths, which are required on create;
# docs/salesforce-facts.md, "Describes"). No recorded User describe is at hand, so labels are derived from the
# names and the locale picklists list no values (unrestricted, as here).
RO = {"readonly": True}
STANDARD = (
    std("Alias", required=True, length=8),
    std("CommunityNickname", label="Nickname", required=True, length=40),
    std("TimeZoneSidKey", "picklist", label="Time Zone", required=True, length=40),
    std("LocaleSidKey", "picklist", label="Locale", required=True, length=40),
    std("EmailEncodingKey", "picklist", label="Email Encoding", required=True, length=40),
    std("LanguageLocaleKey", "picklist", label="Language", required=True, length=40),
    std("UserRoleId", "reference", reference_to="UserRole", label="Role ID"),
    std("ManagerId", "reference", reference_to="User", label="Manager ID"),
    std("Title"),
    std("Department"),
    std("Division"),
    std("CompanyName", label="Company Name"),
    std("EmployeeNumber", label="Employee Number", length=20),
    std("Phone", "phone", length=40),
    std("MobilePhone", "phone", label="Mobile", length=40),
    std("Fax", "phone", length=40),
    *address("", ""),
    std("FederationIdentifier", label="SAML Federation ID", length=512),
    std("LastLoginDate", "datetime", label="Last Login", **RO),
    std("LastPasswordChangeDate", "datetime", label="Last Password Change or Reset", **RO),
    std("CreatedById", "reference", label="Created By ID", reference_to="User", defaulted=True, **RO),
    std("LastModifiedById", "reference", label="Last Modified By ID", reference_to="User", defaulted=True, **RO),
    std("LastViewedDate", "datetime", **RO),
    std("LastReferencedDate", "datetime", **RO),
)

OBJECT = SObject(
    "User",
    (
        std("Id", "id", readonly=True, label="User ID"),
        std("Username", required=True),
        std("FirstName", length=40),
        std("LastName", required=True),
        std("Name", readonly=True),
        std("Email", "email", required=True),
        std("IsActive", "boolean"),
        std("UserType", "picklist", readonly=True),
        individual_lookup(prefilterable=False),
        std("ProfileId", "reference", reference_to="Profile", label="Profile ID"),
        *AUDIT,
        *STANDARD,
    ),
    label="User",
    plural="Users",
    key_prefix="005",
    person_named=True,
    flags={**RECORD_OBJECT, "deletable": False, "mergeable": False, "undeletable": False},
    urls={
        **LAYOUT_URLS,
        "namedLayouts": "/describe/namedLayouts/{LayoutName}",
        "passwordUtilities": "/{ID}/password",
        "quickActions": "/quickActions",
    },
)
