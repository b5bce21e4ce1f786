"""ActiveScratchOrg (Object Reference, ActiveScratchOrg): a Dev Hub's live scratch org."""

from localorg.models.objects.base import AUDIT, OWNER, SObject, std

OBJECT = SObject(
    "ActiveScratchOrg",
    (
        std("Id", "id", readonly=True, label="Active Scratch Org ID"),
        std("Name", readonly=True),
        std("OrgName", readonly=True),
        std("Edition", "picklist", readonly=True),
        std("Features", readonly=True, length=10000),
        std("HasSampleData", "boolean", readonly=True),
        std("Namespace", readonly=True, length=15),
        std("ScratchOrg", readonly=True, length=15),
        std("ScratchOrgInfoId", "reference", reference_to="ScratchOrgInfo", readonly=True),
        std("SignupEmail", "email", readonly=True),
        std("SignupInstance", readonly=True, length=15),
        std("SignupUsername", readonly=True),
        std("ExpirationDate", "date", readonly=True),
        std("Description", length=255),
        std("CreatedById", "reference", reference_to="User", readonly=True, label="Created By ID"),
        OWNER,
        *AUDIT,
    ),
    label="Active Scratch Org",
    plural="Active Scratch Orgs",
    key_prefix="2AS",
    needs="dev_hub",
)
