"""What unit tests do to the in-process local org (localorg.inprocess) besides running a task against it:
change it as another admin would (a deploy through the org's own models), read what it holds, and count
the calls a run made from its request log."""

import io
import zipfile
from contextlib import contextmanager

from email_privacy.cci.task import OrgTask
from email_privacy.metadata.documents import API_VERSION, MDAPI_NS, package_xml
from localorg import inprocess
from localorg.faults import parse_faults
from localorg.models.deploy_checks import DIRECTORIES
from localorg.requestlog import read_log
from tests.harness import inprocess_task

LAYOUT = """<?xml version="1.0" encoding="UTF-8"?>
<Layout xmlns="http://soap.sforce.com/2006/04/metadata">
    <layoutSections>
        <customLabel>false</customLabel>
        <detailHeading>false</detailHeading>
        <editHeading>true</editHeading>
        <label>Information</label>
        <layoutColumns>
{items}        </layoutColumns>
        <style>OneColumn</style>
    </layoutSections>
</Layout>
"""
ITEM = (
    "            <layoutItems>\n"
    "                <behavior>Edit</behavior>\n"
    "                <field>{}</field>\n"
    "            </layoutItems>\n"
)


@contextmanager
def serve(tmp_path, *faults: str, consent: bool = True, **identity):
    """A new (seeded) in-process org under tmp_path with consent management on unless told, so Individual
    and the IndividualId lookups exist; `faults` are `--fault` specs; `identity` takes OrgIdentity fields and
    `seed` (SeedOptions); its request log is `org.log`."""
    log = tmp_path / "requests.jsonl"
    with inprocess.serve(tmp_path / "org", request_log=log, faults=parse_faults(list(faults)), **identity) as org:
        if consent:
            enable_consent(org)
        org.log = log
        yield org


def layout(first="LastName", extra="") -> bytes:
    """A small valid Layout document; `extra` adds an item (e.g. the Individual field) after `first`."""
    return LAYOUT.format(items="".join(ITEM.format(f) for f in (first, extra) if f)).encode("utf-8")


def settings(type_name: str, **values) -> bytes:
    """A Settings document holding the given boolean fields."""
    body = "".join(f"<{k}>{str(v).lower()}</{k}>" for k, v in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{type_name} xmlns="{MDAPI_NS}">{body}</{type_name}>\n'.encode()


def type_and_member(path: str) -> tuple[str, str]:
    """('Layout', 'Contact-Contact Layout') for 'layouts/Contact-Contact Layout.layout'."""
    directory, _, file_name = path.partition("/")
    type_name, suffix = DIRECTORIES[directory]
    return type_name, file_name[: -len(suffix)]


def deploy(org, files: dict[str, bytes], deleted: dict[str, list[str]] | None = None) -> None:
    """Deploy MDAPI files ({'layouts/X.layout': bytes}) as another admin would, deleting `deleted`
    ({type: [member, ...]}, a destructiveChanges.xml); the org must accept them."""
    members: dict[str, list[str]] = {}
    for path in files:
        type_name, member = type_and_member(path)
        members.setdefault(type_name, []).append(member)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("package.xml", package_xml(members, API_VERSION))
        if deleted:
            zf.writestr("destructiveChanges.xml", package_xml(deleted, API_VERSION))
        for path, data in files.items():
            zf.writestr(path, data)
    outcome = org.metadata.deploy(buf.getvalue())
    assert outcome.status == "Succeeded", (outcome.error_message, [c.problem for c in outcome.failures])
    return outcome


def enable_consent(org) -> None:
    """Consent management on, so Individual and the IndividualId lookups exist."""
    deploy(org, {"settings/PartyDataModel.settings": settings("PartyDataModelSettings", enableConsentManagement=True)})


def files(org, type_name: str, prefix: str = "") -> dict[str, bytes]:
    """{MDAPI path: bytes} of the org's components of one type whose member name starts with prefix."""
    directory = next(d for d, (t, _) in DIRECTORIES.items() if t == type_name)
    suffix = DIRECTORIES[directory][1]
    return {
        f"{directory}/{m}{suffix}": org.metadata.read(type_name, m)
        for m in org.metadata.members(type_name)
        if m.startswith(prefix)
    }


def unmanaged_layouts(org, *objects: str) -> dict[str, bytes]:
    """The layouts of these objects that a wildcard retrieve returns (unmanaged ones)."""
    unmanaged = {e["fullName"] for e in org.metadata.list_metadata("Layout") if e["manageableState"] == "unmanaged"}
    return {
        path: data
        for obj in objects
        for path, data in files(org, "Layout", f"{obj}-").items()
        if type_and_member(path)[1] in unmanaged
    }


def actions(log) -> list[str]:
    """The calls a run made, in order: the SOAP action of each Metadata API call, the path of each other call."""
    return [line["soap_action"] or line["path"] for line in read_log(log)]


def count(log, action: str) -> int:
    """How many calls were this SOAP action, or (for a REST call) had a path containing it."""
    return sum(1 for a in actions(log) if a == action or (a.startswith("/") and action in a))


def save_after_retrieve(monkeypatch, org, *members: str) -> None:
    """Another admin saves these layouts (every layout when none is named) right after each retrieve:
    the lost-update race, as the org sees it (a deploy, so their LastModifiedDate moves)."""
    retrieve = org.metadata.retrieve

    def retrieve_then_someone_saves(*args, **kwargs):
        outcome = retrieve(*args, **kwargs)
        names = members or org.metadata.members("Layout")
        deploy(org, {f"layouts/{m}.layout": org.metadata.read("Layout", m) for m in names})
        return outcome

    monkeypatch.setattr(org.metadata, "retrieve", retrieve_then_someone_saves)


def delete_after_retrieve(monkeypatch, org, type_name: str, *members: str) -> None:
    """Another admin deletes these components right after the first retrieve (the read): the lost-update
    race where our deploy would re-create what they deleted."""
    retrieve = org.metadata.retrieve
    done = []

    def retrieve_then_someone_deletes(*args, **kwargs):
        outcome = retrieve(*args, **kwargs)
        if not done:
            deploy(org, {}, deleted={type_name: list(members)})
            done.append(True)
        return outcome

    monkeypatch.setattr(org.metadata, "retrieve", retrieve_then_someone_deletes)


def record_deploys(monkeypatch, org, before=None) -> list[dict[str, bytes]]:
    """Every deploy the org receives, as {path: bytes} of its zip, while the org still judges and applies it.
    `before(files)` runs as each deploy arrives (e.g. to see what exists at that moment)."""
    seen: list[dict[str, bytes]] = []
    real = org.metadata.deploy

    def deploy_recorded(zip_bytes, *args, **kwargs):
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
            seen.append({name: zf.read(name) for name in zf.namelist()})
        if before:
            before(seen[-1])
        return real(zip_bytes, *args, **kwargs)

    monkeypatch.setattr(org.metadata, "deploy", deploy_recorded)
    return seen


class _ConnectionTask(OrgTask):
    def _run_task(self):
        """Never run: the feature tests only need the connection the task builds."""


def connection(org, **options):
    """The org as the features take it (email_privacy.api.connection.Connection), as a task builds it."""
    task = inprocess_task(org, _ConnectionTask, {"backoff": "0", **options})
    task._init_task()
    return task.connection
