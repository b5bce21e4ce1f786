"""The Tooling API's FlexiPage: a row per Lightning page, Id = listMetadata's id (0M0); fields per the Tooling
API Reference."""

from localorg.models.objects.base import Field, SObject

OBJECT = SObject(
    "FlexiPage",
    (
        Field("Id", "id", "FlexiPage ID", readonly=True),
        Field("DeveloperName", "string", "Developer Name", readonly=True),
        Field("MasterLabel", "string", "Label", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("Type", "picklist", "Type", readonly=True),
        Field("CreatedById", "string", "Created By ID", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedById", "string", "Last Modified By ID", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ),
    kind="tooling",
)
