"""A deploy judged in full before anything is written: every file of the zip checked against
package.xml and the deploy checks, giving one ComponentResult per component (models/metadata.py
writes only when the plan allows)."""

from dataclasses import dataclass, field

from localorg.models import deploy_checks, metadata_types
from localorg.models.deploy_checks import Problem
from localorg.models.field_names import layout_fields, object_exists, object_fields
from localorg.models.flexipage_checks import check_flexipage
from localorg.models.layout_names import LayoutName
from localorg.xml import XmlRefused, read_package_xml


@dataclass
class ComponentResult:
    """One line of a DeployResult's details."""

    component_type: str
    full_name: str
    file_name: str
    success: bool
    problem: str | None = None
    line: int | None = None
    column: int | None = None
    created: bool = False
    changed: bool = False
    deleted: bool = False
    id: str | None = None


@dataclass
class DeployOutcome:
    """What checkDeployStatus reports for one deploy."""

    id: str
    check_only: bool
    rollback_on_error: bool
    created: str
    completed: str
    status: str  # Succeeded, SucceededPartial, Failed
    error_message: str | None = None
    components: list[ComponentResult] = field(default_factory=list)
    ignore_warnings: bool = False  # as the deploy's DeployOptions asked; checkDeployStatus echoes it
    consequences: list[str] = field(default_factory=list)  # what else the deploy did to the org (request log)
    request: object = None  # the DeployRequest, kept to run it when queued or again as a quick deploy
    polls_left: int = 0  # status polls a queued deploy still waits
    quick_deployed: bool = False  # a validation deployRecentValidation has deployed

    @property
    def done(self) -> bool:
        return self.status not in ("Pending", "InProgress")

    @property
    def failures(self) -> list[ComponentResult]:
        return [c for c in self.components if not c.success]

    @property
    def successes(self) -> list[ComponentResult]:
        return [c for c in self.components if c.success]


@dataclass
class RetrieveOutcome:
    """What checkRetrieveStatus reports for one retrieve."""

    id: str
    zip_bytes: bytes
    file_properties: list[dict]
    messages: list[tuple[str, str]]  # (fileName, problem)
    error_message: str | None = None  # a retrieve refused as a whole (status Failed), with its errorStatusCode
    error_code: str | None = None


def retrieve_outcome(job_id: str, zip_bytes: bytes, props: list[dict], messages) -> RetrieveOutcome:
    """A retrieve's outcome; one past Salesforce's limits fails as a whole, with no file (status Failed)."""
    refusal = deploy_checks.retrieve_refusal(len(props), zip_bytes)  # props: each file's, package.xml's too
    if refusal:
        return RetrieveOutcome(job_id, b"", [], [], refusal, "LIMIT_EXCEEDED")
    return RetrieveOutcome(job_id, zip_bytes, props, messages)


@dataclass
class Planned:
    type: str
    member: str
    path: str  # relative to DIR/metadata
    data: bytes
    result: ComponentResult
    delete: bool = False  # named in a destructiveChanges manifest: removed from the org, not written


def plan(store, files: dict[str, bytes], fail_names: set[str]) -> list[Planned]:
    """Judge every file of the deploy against package.xml and the checks; nothing is written here."""
    pkg = files.pop("package.xml")
    planned = []
    pkg_result = ComponentResult("", "package.xml", "package.xml", True)
    try:
        declared = read_package_xml(pkg)
    except XmlRefused as e:
        pkg_result.success, pkg_result.problem = False, str(e)
        declared = {}
    planned.append(Planned("", "package.xml", "package.xml", pkg, pkg_result))
    for manifest in DESTRUCTIVE_MANIFESTS:
        if manifest in files:
            planned += _deletions(store, manifest, files.pop(manifest))
    consent = bool(store.settings_value("PartyDataModelSettings", "enableConsentManagement"))
    by_type: dict[str, set[str]] = {}
    for path, data in sorted(files.items()):
        directory, _, name = path.partition("/")
        folders = {d: (t, s) for t, (d, s) in store.types.items()}
        type_name, suffix = (
            folders.get(directory) or metadata_types.learn(store, declared, directory, name) or (None, "")
        )
        if type_name is None or "/" in name or not name.endswith(suffix):
            planned.append(
                Planned(
                    "",
                    path,
                    path,
                    data,
                    ComponentResult(
                        "",
                        path,
                        path,
                        False,
                        f"Unknown file {path}: the local org takes "
                        + ", ".join(f"{d}/*{s}" for d, s in store.types.values())
                        + ", and any other single-file metadata type package.xml names",
                    ),
                )
            )
            continue
        member = name[: -len(suffix)]
        if type_name == "Settings":
            data = deploy_checks.in_metadata_namespace(data)
        by_type.setdefault(type_name, set()).add(member)
        result = ComponentResult(type_name, member, path, True)
        problems = _judge(store, type_name, member, data, consent, declared, fail_names)
        if problems:
            first = problems[0]
            result.success, result.problem, result.line, result.column = (
                False,
                first.problem,
                first.line,
                first.column,
            )
            if len(problems) > 1:
                result.problem += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
        planned.append(Planned(type_name, member, path, data, result))
    for type_name, members in declared.items():
        for member in members:
            if member != "*" and member not in by_type.get(type_name, set()):
                # Salesforce's text (github.com/joeferraro/MavensMate/issues/869,
                # github.com/forcedotcom/devops-center-roadmap/issues/144).
                pkg_result.success = False
                planned.append(
                    Planned(
                        "",
                        member,
                        "package.xml",
                        b"",
                        ComponentResult(
                            type_name,
                            member,
                            "package.xml",
                            False,
                            f"An object '{member}' of type {type_name} was named in package.xml, "
                            "but was not found in zipped directory",
                        ),
                    )
                )
    return planned


# The delete manifests a deploy may carry beside package.xml, in package.xml's format without wildcards
# (Metadata API Developer Guide, "Deleting Components from an Organization").
DESTRUCTIVE_MANIFESTS = ("destructiveChangesPre.xml", "destructiveChanges.xml", "destructiveChangesPost.xml")


def _deletions(store, manifest: str, data: bytes) -> list[Planned]:
    """One Planned deletion per member of a delete manifest; a member the org lacks fails its line."""
    try:
        named = read_package_xml(data, manifest)
    except XmlRefused as e:
        return [Planned("", manifest, manifest, data, ComponentResult("", manifest, manifest, False, str(e)))]
    planned = []
    for type_name, members in sorted(named.items()):
        for member in members:
            result = ComponentResult(type_name, member, manifest, True)
            if type_name not in store.types or member == "*" or member not in store.members(type_name):
                # Salesforce reports a missing component as a warning, which fails the deploy unless
                # ignoreWarnings; the local org fails the line.
                result.success, result.problem = False, f"No {type_name} named: {member} found"
            planned.append(Planned(type_name, member, manifest, b"", result, delete=True))
    return planned


def _judge(store, type_name, member, data, consent, declared, fail_names) -> list[Problem]:
    listed = declared.get(type_name, [])
    if member not in listed and "*" not in listed:
        return [
            Problem(
                f"{store.file_name(type_name, member)} is in the zip but {type_name} {member!r} is not "
                "named in package.xml"
            )
        ]
    doc, problems = deploy_checks.parse_component(data, store.file_name(type_name, member))
    if doc is None:
        return problems
    if type_name == "Layout":
        try:
            name = LayoutName.from_member(member, store.namespaces)
        except ValueError as e:
            return [Problem(str(e))]
        if not object_exists(name.object, store.identity):
            return [Problem(f"Cannot find object {name.object} for layout {member}")]
        problems = deploy_checks.check_layout(doc, name.object, layout_fields(name.object, store.identity, consent))
        names = {member, name.list_full_name}
    elif type_name == "Settings":
        problems = deploy_checks.check_settings(doc, member)
        names = {member}
    elif type_name == "FlexiPage":
        problems = check_flexipage(doc, lambda obj: object_fields(obj, store.identity, consent))
        names = {member}
    elif type_name in ("PermissionSet", "Profile"):
        fields_of = lambda obj: object_fields(obj, store.identity, consent)  # noqa: E731
        problems = deploy_checks.check_permission_set(doc, fields_of, type_name)
        names = {member}
    else:
        problems = deploy_checks.check_component(doc, type_name)
        names = {member}
    hit = names & set(fail_names)
    if hit:
        problems.insert(0, Problem(f"Injected failure for {sorted(hit)[0]} (--fault deploy-fail)"))
    return problems
