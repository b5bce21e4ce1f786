"""The local org's Metadata API (SOAP): the calls CumulusCI and this project send, answered as Salesforce does.

Calls (cumulusci/salesforce_api/metadata.py and soap_envelopes.py): listMetadata, describeMetadata,
retrieve + checkStatus + checkRetrieveStatus, deploy + checkDeployStatus. Work is done when the
call arrives; the status calls then report it done. Replies follow the reply elements of the
Metadata API WSDL (tests validate them against ../shared/salesforce/metadata-v63.xsd). Bad requests
get a SOAP fault (HTTP 500), never a crash.
"""

import base64
import binascii

from lxml import etree

from .. import xml
from ..exceptions import SoapFault
from ..http import Request, Response, error_reply
from ..models.deploy_plan import DeployOutcome, RetrieveOutcome
from ..xml import API_VERSION, MDAPI_NS, XmlRefused

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# describeMetadata: what this org holds (directory, suffix, metaFile false, not in folders).
_DESCRIBE = {
    "Layout": ("layouts", "layout"),
    "PermissionSet": ("permissionsets", "permissionset"),
    "Settings": ("settings", "settings"),
    "FlexiPage": ("flexipages", "flexipage"),
}


# ---- building replies ----------------------------------------------------------------------------


def _envelope():
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS, None: MDAPI_NS, "xsi": XSI_NS})
    return env, etree.SubElement(env, f"{{{SOAP_NS}}}Body")


def _add(parent, tag, value=None):
    """Append <tag>; booleans as true/false; None adds nothing (optional elements left out)."""
    el = etree.SubElement(parent, f"{{{MDAPI_NS}}}{tag}")
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def _fill(parent, tag, pairs):
    """Append <tag> holding (name, value) children in order; None values are left out."""
    el = _add(parent, tag)
    for name, value in pairs:
        if value is not None:
            _add(el, name, value)
    return el


def _reply(operation: str):
    env, body = _envelope()
    return env, _add(body, f"{operation}Response")


def _send(env) -> Response:
    return Response.xml(xml.serialize(env))


_FILE_PROPERTIES = (
    "createdById",
    "createdByName",
    "createdDate",
    "fileName",
    "fullName",
    "id",
    "lastModifiedById",
    "lastModifiedByName",
    "lastModifiedDate",
    "manageableState",
    "namespacePrefix",
    "type",
)


def _file_properties(parent, tag, props: dict):
    return _fill(parent, tag, [(k, props.get(k)) for k in _FILE_PROPERTIES])


def _async_result(operation: str, job_id: str, done: bool) -> Response:
    env, resp = _reply(operation)
    _fill(resp, "result", [("done", done), ("id", job_id), ("state", "Completed" if done else "Queued")])
    return _send(env)


# ---- reading requests ----------------------------------------------------------------------------


def _children(el, name):
    # CumulusCI's envelopes put fields in the metadata namespace or in none (describeMetadata): match by local name.
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _parameter(op, position: int, name: str):
    """The operation's parameter at `position` of its WSDL sequence. Salesforce's document-literal binding
    takes parameters by position and type, so jsforce's `<retrieve><request>` is as good as the WSDL's
    `<retrieve><retrieveRequest>` (docs/salesforce-facts.md, "Salesforce's own CLI")."""
    params = [c for c in op if isinstance(c.tag, str)]
    named = _children(op, name)
    if named:
        return named[0]
    return params[position] if len(params) > position else None


def _text(el, name, default=None):
    found = _children(el, name)
    return (found[0].text or "").strip() if found else default


def _bool(el, name, default: bool) -> bool:
    value = _text(el, name)
    if value is None:
        return default
    # Any case: simple-salesforce's deploy sends Python's `False`, and real orgs take it.
    if value.lower() not in ("true", "false", "1", "0"):
        raise SoapFault("soapenv:Client", f"'{value}' is not a valid value for the type xsd:boolean in {name}")
    return value.lower() in ("true", "1")


def _job(org, req, kind):
    job_id = _text(req, "asyncProcessId") or _text(req, "id")
    job = org.metadata.jobs.get(job_id or "")
    if not isinstance(job, kind):
        raise SoapFault("sf:INVALID_ID_FIELD", f"INVALID_ID_FIELD: invalid id: {job_id}")
    return job


# ---- operations ----------------------------------------------------------------------------------


MAX_LIST_QUERIES = 3


def op_list_metadata(org, req) -> Response:
    env, resp = _reply("listMetadata")
    queries = _children(req, "queries")
    if len(queries) > MAX_LIST_QUERIES:
        # This org's words: listMetadata takes up to three queries a call (Metadata API Developer Guide, listMetadata).
        raise SoapFault(
            "sf:INVALID_TYPE",
            f"listMetadata takes at most {MAX_LIST_QUERIES} queries per call; this call has {len(queries)}",
        )
    for query in queries:
        type_name = _text(query, "type")
        if not type_name:
            raise SoapFault("sf:INVALID_TYPE", "INVALID_TYPE: listMetadata query without a type")
        for props in org.metadata.list_metadata(type_name):
            _file_properties(resp, "result", props)
    return _send(env)


def op_describe_metadata(org, req) -> Response:
    env, resp = _reply("describeMetadata")
    result = _add(resp, "result")
    for xml_name, (directory, suffix) in _DESCRIBE.items():
        _fill(
            result,
            "metadataObjects",
            [
                ("directoryName", directory),
                ("inFolder", False),
                ("metaFile", False),
                ("suffix", suffix),
                ("xmlName", xml_name),
            ],
        )
    _add(result, "organizationNamespace", "")
    _add(result, "partialSaveAllowed", True)
    _add(result, "testRequired", False)
    return _send(env)


def op_retrieve(org, req) -> Response:
    request = _parameter(req, 0, "retrieveRequest")
    if request is None:
        raise SoapFault("soapenv:Client", "retrieve needs a retrieveRequest")
    unpackaged = (_children(request, "unpackaged") or [None])[0]
    if unpackaged is None:
        names = [p.text for p in _children(request, "packageNames")]
        raise SoapFault(
            "sf:INVALID_CROSS_REFERENCE_KEY",
            f"INVALID_CROSS_REFERENCE_KEY: No package named '{', '.join(names)}' found",
        )
    requested: dict[str, list[str]] = {}
    for types in _children(unpackaged, "types"):
        name = _text(types, "name")
        if name:
            requested.setdefault(name, []).extend((m.text or "").strip() for m in _children(types, "members"))
    version = _text(request, "apiVersion", API_VERSION)
    outcome = org.metadata.retrieve(requested, version)
    return _async_result("retrieve", outcome.id, False)


def op_check_status(org, req) -> Response:
    # The call CumulusCI polls retrieves with (removed from the WSDL long ago; orgs still answer it).
    job = _job(org, req, (RetrieveOutcome, DeployOutcome))
    return _async_result("checkStatus", job.id, True)


def op_check_retrieve_status(org, req) -> Response:
    job: RetrieveOutcome = _job(org, req, RetrieveOutcome)
    include_zip = _bool(req, "includeZip", True)
    env, resp = _reply("checkRetrieveStatus")
    result = _add(resp, "result")
    _add(result, "done", True)
    for props in job.file_properties:
        _file_properties(result, "fileProperties", props)
    _add(result, "id", job.id)
    for file_name, problem in job.messages:
        _fill(result, "messages", [("fileName", file_name), ("problem", problem)])
    _add(result, "status", "Succeeded")
    _add(result, "success", True)
    _add(result, "zipFile", base64.b64encode(job.zip_bytes).decode("ascii") if include_zip else "")
    return _send(env)


def op_deploy(org, req) -> Response:
    zip_text = _text(req, "ZipFile")
    opts = (_children(req, "DeployOptions") or [None])[0]
    if zip_text is None or opts is None:
        raise SoapFault("soapenv:Client", "deploy needs ZipFile and DeployOptions")
    try:
        data = base64.b64decode(zip_text, validate=True) if zip_text else b""
    except (binascii.Error, ValueError):
        raise SoapFault("soapenv:Client", "ZipFile is not valid base64") from None
    fail_names = getattr(org.faults, "deploy_fail", set()) if getattr(org, "faults", None) else set()
    outcome = org.metadata.deploy(
        data,
        check_only=_bool(opts, "checkOnly", False),
        rollback_on_error=_bool(opts, "rollbackOnError", True),
        single_package=_bool(opts, "singlePackage", False),
        ignore_warnings=_bool(opts, "ignoreWarnings", False),
        fail_names=fail_names,
    )
    response = _async_result("deploy", outcome.id, False)
    response.consequence = "; ".join(outcome.consequences) or None
    return response


def _deploy_message(parent, tag, c, when):
    _fill(
        parent,
        tag,
        [
            ("changed", c.changed),
            ("columnNumber", c.column),
            ("componentType", c.component_type),
            ("created", c.created),
            ("createdDate", when),
            ("deleted", c.deleted),
            ("fileName", c.file_name),
            ("fullName", c.full_name),
            ("id", c.id),
            ("lineNumber", c.line),
            ("problem", c.problem),
            ("problemType", None if c.success else "Error"),
            ("success", c.success),
        ],
    )


def op_check_deploy_status(org, req) -> Response:
    job: DeployOutcome = _job(org, req, DeployOutcome)
    include = _bool(req, "includeDetails", False)
    env, resp = _reply("checkDeployStatus")
    result = _add(resp, "result")
    errors = len([c for c in job.failures if c.component_type])
    deployed = len([c for c in job.successes if c.component_type])
    pairs = [
        ("checkOnly", job.check_only),
        ("completedDate", job.completed),
        ("createdBy", org.identity.user_id),
        ("createdByName", "Local Admin"),
        ("createdDate", job.created),
    ]
    for name, value in pairs:
        _add(result, name, value)
    details = _add(result, "details")
    if include:
        for c in job.failures:
            _deploy_message(details, "componentFailures", c, job.completed)
        for c in job.successes:
            _deploy_message(details, "componentSuccesses", c, job.completed)
    for name, value in [
        ("done", True),
        ("errorMessage", job.error_message),
        ("id", job.id),
        ("ignoreWarnings", job.ignore_warnings),
        ("lastModifiedDate", job.completed),
        ("numberComponentErrors", errors),
        ("numberComponentsDeployed", deployed if job.status != "Failed" else 0),
        ("numberComponentsTotal", errors + deployed),
        ("numberTestErrors", 0),
        ("numberTestsCompleted", 0),
        ("numberTestsTotal", 0),
        ("rollbackOnError", job.rollback_on_error),
        ("runTestsEnabled", False),
        ("startDate", job.created),
        ("status", job.status),
        ("success", job.status != "Failed"),
    ]:
        if value is not None:
            _add(result, name, value)
    return _send(env)


OPERATIONS = {
    "listMetadata": op_list_metadata,
    "describeMetadata": op_describe_metadata,
    "retrieve": op_retrieve,
    "checkStatus": op_check_status,
    "checkRetrieveStatus": op_check_retrieve_status,
    "deploy": op_deploy,
    "checkDeployStatus": op_check_deploy_status,
}


def operation_of(body: bytes):
    """The operation element of a SOAP request; SoapFault when the envelope is not one."""
    try:
        root = xml.parse(body, "request").getroot()
    except XmlRefused as e:
        raise SoapFault("soapenv:Client", f"Unable to parse the request: {str(e).split(': ', 1)[-1]}") from None
    if root.tag != f"{{{SOAP_NS}}}Envelope":
        raise SoapFault("soapenv:Client", f"Expected a SOAP 1.1 Envelope, found {root.tag}")
    bodies = [c for c in root if c.tag == f"{{{SOAP_NS}}}Body"]
    ops = [c for c in (bodies[0] if bodies else []) if isinstance(c.tag, str)]
    if not ops:
        raise SoapFault("soapenv:Client", "The SOAP Body holds no operation")
    return ops[0]


def handle(org, request: Request, version: str = API_VERSION, org_id: str | None = None) -> Response:
    """POST /services/Soap/m/<version>[/<org id>]: dispatch on the body's operation element."""
    try:
        if org_id and org_id[:15] != org.identity.org_id[:15]:
            raise SoapFault(
                "sf:INVALID_SESSION_ID",
                "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: the URL names another org",
            )
        op = operation_of(request.body)
        q = etree.QName(op)
        func = OPERATIONS.get(q.localname) if q.namespace == MDAPI_NS else None
        if func is None:
            # Salesforce's (Axis) text for an operation it does not know.
            raise SoapFault(
                "soapenv:Client", f"No operation available for request {op.tag}, please check the WSDL for the service."
            )
        return func(org, op)
    except SoapFault as e:
        return error_reply(e, soap=True)
