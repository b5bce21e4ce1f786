"""A stateful Metadata SOAP endpoint for unit tests, served through `responses` (no socket).

It keeps files in MDAPI layout, answers listMetadata / retrieve / checkStatus /
checkRetrieveStatus / deploy / checkDeployStatus the way Salesforce shapes them, counts calls by
SOAP action, and can inject faults (5xx replies, an expired session, a failing component).
It also answers the lost-update guard's Tooling API query on Layout (`tooling/query`, counted in
`calls` as "tooling/query"), or refuses it with `tooling_refusal`.
The end-to-end tests use the real local org instead; this one keeps unit tests fast.
"""

import base64
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import responses
from cumulusci.core.tasks import BaseSalesforceTask
from cumulusci.tasks.salesforce.tests.util import create_task
from lxml import etree

MD = "http://soap.sforce.com/2006/04/metadata"
URL = re.compile(r"https://test\.salesforce\.com/services/Soap/m/\d+\.\d/ORG_ID")
TOOLING_URL = re.compile(r"https://test\.salesforce\.com/services/data/v\d+\.\d/tooling/query")
GUARD_QUERY = re.compile(
    r"^SELECT Id, LastModifiedDate FROM Layout WHERE LastModifiedDate >= "
    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$"
)
SUFFIX = {
    "Layout": ("layouts", ".layout"),
    "Settings": ("settings", ".settings"),
    "PermissionSet": ("permissionsets", ".permissionset"),
    "FlexiPage": ("flexipages", ".flexipage"),
}

LAYOUT = """<?xml version="1.0" encoding="UTF-8"?>
<Layout xmlns="http://soap.sforce.com/2006/04/metadata">
    <layoutSections>
        <customLabel>false</customLabel>
        <detailHeading>false</detailHeading>
        <editHeading>true</editHeading>
        <label>Information</label>
        <layoutColumns>
            <layoutItems>
                <behavior>Edit</behavior>
                <field>{first}</field>
            </layoutItems>
        </layoutColumns>
        <style>OneColumn</style>
    </layoutSections>
</Layout>
"""


def layout(first="LastName", extra=""):
    """A small valid layout; `extra` adds an item (e.g. the Individual field) after `first`."""
    text = LAYOUT.format(first=first)
    if extra:
        text = text.replace(
            "</layoutColumns>",
            f"    <layoutItems>\n                <behavior>Edit</behavior>\n"
            f"                <field>{extra}</field>\n            </layoutItems>\n        </layoutColumns>",
        )
    return text.encode("utf-8")


def settings(type_name, **values):
    body = "".join(f"<{k}>{str(v).lower()}</{k}>" for k, v in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{type_name} xmlns="{MD}">{body}</{type_name}>\n'.encode()


def envelope(body: str, fault: bool = False) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        f' xmlns="{MD}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'
    )


class FakeOrg:
    """Metadata state plus call counters and fault switches."""

    def __init__(self, files=None):
        self.files: dict[str, bytes] = dict(files or {})
        self.modified: dict[str, datetime] = {p: datetime(2024, 1, 1, tzinfo=UTC) for p in self.files}
        self.calls: list[str] = []
        self.deployed: list[dict[str, bytes]] = []
        self.fail_status: list[int] = []  # statuses to answer to the next requests, one each
        self.expire_next = 0  # answer INVALID_SESSION_ID to this many next requests
        self.fail_component: str | None = None
        self.on_deploy = None  # callback(files) run when a deploy arrives (e.g. to check a snapshot exists)
        self.tooling_refusal: tuple[int, str] | None = None  # (status, errorCode) answered to tooling/query
        self.tooling_page = 2000  # records per page of tooling/query (nextRecordsUrl beyond)
        self._ids: dict[str, str] = {}
        self._jobs: dict[str, dict] = {}

    def count(self, action):
        return self.calls.count(action)

    def id_of(self, path) -> str:
        """The component's 18-character record id (00h for layouts), fixed once given."""
        if path not in self._ids:
            self._ids[path] = f"00h{len(self._ids) + 1:012d}AAA"
        return self._ids[path]

    @staticmethod
    def _date(when: datetime, rest: bool = False) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}" + ("+0000" if rest else "Z")

    def tooling_query(self, request):
        """GET tooling/query: the guard's query on Layout (any other query is a test error), paged."""
        self.calls.append("tooling/query")
        if self.tooling_refusal:
            status, code = self.tooling_refusal
            return (status, {}, json.dumps([{"errorCode": code, "message": f"refused ({code})"}]))
        split = urlsplit(request.url)
        locator = split.path.rsplit("/", 1)[-1]
        if locator.startswith("01g"):
            rows, start = self._cursor, int(locator.split("-")[1])
        else:
            m = GUARD_QUERY.match(parse_qs(split.query)["q"][0])
            assert m, f"unexpected Tooling query {request.url}"
            since = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            rows = [
                {"attributes": {"type": "Layout"}, "Id": self.id_of(p), "LastModifiedDate": self._date(when, rest=True)}
                for p, when in sorted(self.modified.items())
                if p.startswith("layouts/") and when >= since
            ]
            self._cursor, start = rows, 0
        end = start + self.tooling_page
        page = {"totalSize": len(rows), "done": end >= len(rows), "records": rows[start:end]}
        if end < len(rows):
            page["nextRecordsUrl"] = f"/services/data/v63.0/tooling/query/01gCURSOR-{end}"
        return (200, {"Content-Type": "application/json"}, json.dumps(page))

    def edit_after_retrieve(self, *paths):
        """Another admin saves `paths` (all layouts when none) right after each retrieve: the lost-update race."""
        real = self._retrieve

        def retrieve_then_someone_edits(tree):
            out = real(tree)
            for path in paths or list(self.files):
                self.touch(path)
            return out

        self._retrieve = retrieve_then_someone_edits

    def touch(self, path):
        self.modified[path] = self.modified.get(path, datetime(2024, 1, 1, tzinfo=UTC)) + timedelta(seconds=5)

    # --- responses callback
    def __call__(self, request):
        action = request.headers.get("SOAPAction")
        self.calls.append(action)
        if self.fail_status:
            return (self.fail_status.pop(0), {}, "<html>Service Unavailable</html>")
        if self.expire_next:
            self.expire_next -= 1
            return (
                500,
                {},
                envelope(
                    "<soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode>"
                    "<faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring>"
                    "</soapenv:Fault>"
                ),
            )
        tree = etree.fromstring(request.body)
        return (200, {"Content-Type": "text/xml"}, envelope(getattr(self, "_" + action)(tree)))

    def _listMetadata(self, tree):
        out = []
        for type_name in (t.text for t in tree.iter(f"{{{MD}}}type")):  # up to three queries a call
            folder, suffix = SUFFIX[type_name]
            for path in sorted(p for p in self.files if p.startswith(folder + "/")):
                name = path[len(folder) + 1 : -len(suffix)]
                out.append(
                    f"<result><fileName>{escape(path)}</fileName><fullName>{escape(name)}</fullName>"
                    f"<id>{self.id_of(path)}</id>"
                    f"<lastModifiedDate>{self._date(self._modified(path))}</lastModifiedDate>"
                    f"<namespacePrefix></namespacePrefix><type>{type_name}</type></result>"
                )
        return f"<listMetadataResponse>{''.join(out)}</listMetadataResponse>"

    def _retrieve(self, tree):
        wanted = []
        for types in tree.iter(f"{{{MD}}}types"):
            folder, suffix = SUFFIX[types.findtext(f"{{{MD}}}name")]
            wanted += [f"{folder}/{m.text}{suffix}" for m in types.findall(f"{{{MD}}}members")]
        job = f"09S{len(self._jobs):015d}"
        self._jobs[job] = {"paths": [p for p in wanted if p in self.files]}
        return (
            f"<retrieveResponse><result><done>false</done><id>{job}</id>"
            "<state>Queued</state></result></retrieveResponse>"
        )

    def _modified(self, path):
        """The file's lastModifiedDate, 2024-01-01 for a file nothing has changed yet."""
        return self.modified.setdefault(path, datetime(2024, 1, 1, tzinfo=UTC))

    def _checkStatus(self, tree):
        job = tree.find(f".//{{{MD}}}asyncProcessId").text
        return (
            f"<checkStatusResponse><result><done>true</done><id>{job}</id>"
            "<state>Completed</state></result></checkStatusResponse>"
        )

    def _checkRetrieveStatus(self, tree):
        job = self._jobs[tree.find(f".//{{{MD}}}asyncProcessId").text]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for p in job["paths"]:
                zf.writestr("unpackaged/" + p, self.files[p])
        props = "".join(
            f"<fileProperties><fileName>unpackaged/{escape(p)}</fileName><fullName>{escape(p)}</fullName>"
            f"<id>{self.id_of(p)}</id>"
            f"<lastModifiedDate>{self._date(self._modified(p))}</lastModifiedDate></fileProperties>"
            for p in job["paths"]
        )
        return (
            f"<checkRetrieveStatusResponse><result><done>true</done>{props}<status>Succeeded</status>"
            f"<success>true</success><zipFile>{base64.b64encode(buf.getvalue()).decode()}</zipFile></result>"
            "</checkRetrieveStatusResponse>"
        )

    def _deploy(self, tree):
        data = base64.b64decode(tree.find(f".//{{{MD}}}ZipFile").text)
        check_only = tree.find(f".//{{{MD}}}checkOnly").text == "true"
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            files = {n: zf.read(n) for n in zf.namelist()}
        if self.on_deploy:
            self.on_deploy(files)
        self.deployed.append(files)
        job = f"0Af{len(self._jobs):015d}"
        failed = [n for n in files if self.fail_component and self.fail_component in n]
        self._jobs[job] = {"failed": failed, "files": files}
        if not failed and not check_only:
            for name, content in files.items():
                if name != "package.xml":
                    self.files[name] = content
                    self.touch(name)
        return (
            f"<deployResponse><result><done>false</done><id>{job}</id><state>Queued</state></result></deployResponse>"
        )

    def _checkDeployStatus(self, tree):
        job = self._jobs[tree.find(f".//{{{MD}}}asyncProcessId").text]
        if job["failed"]:
            fails = "".join(
                "<componentFailures><changed>false</changed><componentType>Layout</componentType>"
                f"<created>false</created><deleted>false</deleted><fileName>{escape(n)}</fileName>"
                f"<fullName>{escape(re.sub(r'^.*/|[.].*$', '', n))}</fullName>"
                "<problem>In field: field - no CustomField named Contact.Foo found</problem>"
                "<problemType>Error</problemType>"
                "<success>false</success></componentFailures>"
                for n in job["failed"]
            )
            return (
                f"<checkDeployStatusResponse><result><details>{fails}</details><done>true</done><id>x</id>"
                "<status>Failed</status><success>false</success></result></checkDeployStatusResponse>"
            )
        oks = "".join(
            f"<componentSuccesses><fileName>{escape(n)}</fileName><fullName>{escape(n)}</fullName></componentSuccesses>"
            for n in job["files"]
        )
        return (
            f"<checkDeployStatusResponse><result><details>{oks}</details><done>true</done><id>x</id>"
            "<status>Succeeded</status><success>true</success></result></checkDeployStatusResponse>"
        )


class _Task(BaseSalesforceTask):
    def _run_task(self):
        """Never run: the tests only need a task object for the client to bind to."""


def make_task(task_class=_Task, options=None):
    """A CumulusCI task instance for the test org (token refresh mocked by create_task)."""
    return create_task(task_class, options or {})


def serve(rsps: responses.RequestsMock, org: FakeOrg):
    rsps.add_callback(responses.POST, URL, callback=org)
    rsps.add_callback(responses.GET, TOOLING_URL, callback=org.tooling_query)
    rsps.add_callback(responses.GET, re.compile(TOOLING_URL.pattern + r"/01g[\w-]+"), callback=org.tooling_query)
    return org
