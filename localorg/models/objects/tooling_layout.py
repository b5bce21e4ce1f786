"""The Tooling API's Layout: one row per page layout, Id = listMetadata's id (00h), API 32.0+. Only the
Tooling API has it (the data API's /query answers INVALID_TYPE, as Salesforce does)."""

from localorg.models.objects.base import Field, SObject

OBJECT = SObject(
    "Layout",
    (
        Field("Id", "id", "Layout ID", readonly=True),
        Field("Name", "string", "Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TableEnumOrId", "string", "Entity Type ID", readonly=True),
        Field("ManageableState", "picklist", "Manageable State", readonly=True),
        Field("LayoutType", "picklist", "Layout Type", readonly=True),
        Field("CreatedById", "string", "Created By ID", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedById", "string", "Last Modified By ID", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ),
    kind="tooling",
)
