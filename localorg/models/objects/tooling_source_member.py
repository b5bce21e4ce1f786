"""The Tooling API's SourceMember (Tooling API Reference: SourceMember); only orgs that track source have it."""

from localorg.models.objects.base import Field, SObject

OBJECT = SObject(
    "SourceMember",
    (
        Field("Id", "id", "Source Member ID", readonly=True),
        Field("MemberType", "string", "Member Type", readonly=True),
        Field("MemberName", "string", "Member Name", readonly=True),
        Field("MemberIdOrName", "string", "Member Id Or Name", readonly=True),
        Field("RevisionCounter", "int", "Revision Counter"),
        Field("RevisionNum", "int", "Revision Number", readonly=True),
        Field("IsNameObsolete", "boolean", "Is Name Obsolete", readonly=True),
        Field("IsNewMember", "boolean", "Is New Member", readonly=True),
        Field("ChangedBy", "string", "Changed By", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ),
    kind="tooling",
)
