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

from localorg import xml
from localorg.exceptions import SoapFault
from localorg.http import Request, Response, error_reply
from localorg.models import deploy_checks, deploy_jobs, metadata_types
from localorg.models.deploy_plan import DeployOutcome, RetrieveOutcome
from localorg.responses.refusals import NOT_MODELLED
from localorg.responses.soap_wire import (
    SOAP_NS,
    XSI_NS,
    add,
    async_result,
    boolean,
    children,
    file_properties,
    fill,
    find_job,
    parameter,
    reply,
    send,
    text,
)
from localorg.xml import API_VERSION, MDAPI_NS, XmlRefused

# ---- operations ----------------------------------------------------------------------------------


MAX_LIST_QUERIES = 3


def op_list_metadata(org, req) -> Response:
    env, resp = reply("listMetadata")
    queries = children(req, "queries")
    if len(queries) > MAX_LIST_QUERIES:
        # This org's words: listMetadata takes up to three queries a call (Metadata API Developer Guide, listMetadata).
        raise SoapFault(
            "sf:INVALID_TYPE",
            f"listMetadata takes at most {MAX_LIST_QUERIES} queries per call; this call has {len(queries)}",
        )
    for query in queries:
        type_name = text(query, "type")
        if not type_name:
            raise SoapFault("sf:INVALID_TYPE", "INVALID_TYPE: listMetadata query without a type")
        _refuse_unmodelled(org, type_name)
        for props in org.metadata.list_metadata(type_name):
            file_properties(resp, "result", props)
    return send(env)


def _refuse_unmodelled(org, type_name: str) -> None:
    """A metadata type the org neither models nor was given: saying it has none could be false, so it says so."""
    if not metadata_types.holds_type(org.metadata, type_name):
        fault = SoapFault(
            f"sf:{NOT_MODELLED}",
            f"{NOT_MODELLED}: The local org does not model the metadata type {type_name}: it models "
            f"{', '.join(metadata_types.types(org.metadata))} and keeps any type deployed to it (docs/local-org.md)",
        )
        fault.status = 501
        raise fault


def op_describe_metadata(org, req) -> Response:
    env, resp = reply("describeMetadata")
    result = add(resp, "result")
    # The types the org keeps (directory, suffix without its dot; single files, not in folders).
    for xml_name, (directory, suffix) in org.metadata.types.items():
        fill(
            result,
            "metadataObjects",
            [
                ("directoryName", directory),
                ("inFolder", False),
                ("metaFile", False),
                ("suffix", suffix.lstrip(".")),
                ("xmlName", xml_name),
            ],
        )
    add(result, "organizationNamespace", "")
    add(result, "partialSaveAllowed", True)
    add(result, "testRequired", False)
    return send(env)


def op_retrieve(org, req) -> Response:
    request = parameter(req, 0, "retrieveRequest")
    if request is None:
        raise SoapFault("soapenv:Client", "retrieve needs a retrieveRequest")
    unpackaged = (children(request, "unpackaged") or [None])[0]
    if unpackaged is None:
        names = [p.text for p in children(request, "packageNames")]
        raise SoapFault(
            "sf:INVALID_CROSS_REFERENCE_KEY",
            f"INVALID_CROSS_REFERENCE_KEY: No package named '{', '.join(names)}' found",
        )
    requested: dict[str, list[str]] = {}
    for types in children(unpackaged, "types"):
        name = text(types, "name")
        if name:
            requested.setdefault(name, []).extend((m.text or "").strip() for m in children(types, "members"))
    version = text(request, "apiVersion", API_VERSION)
    outcome = org.metadata.retrieve(requested, version)
    return async_result("retrieve", outcome.id, False)


def op_check_status(org, req) -> Response:
    # The call CumulusCI polls retrieves with (removed from the WSDL long ago; orgs still answer it).
    job = find_job(org, req, (RetrieveOutcome, DeployOutcome))
    return async_result("checkStatus", job.id, getattr(job, "done", True))


def op_check_retrieve_status(org, req) -> Response:
    job: RetrieveOutcome = find_job(org, req, RetrieveOutcome)
    include_zip = boolean(req, "includeZip", True)
    env, resp = reply("checkRetrieveStatus")
    result = add(resp, "result")
    add(result, "done", True)
    if job.error_message:
        add(result, "errorMessage", job.error_message)
        add(result, "errorStatusCode", job.error_code)
    for props in job.file_properties:
        file_properties(result, "fileProperties", props)
    add(result, "id", job.id)
    for file_name, problem in job.messages:
        fill(result, "messages", [("fileName", file_name), ("problem", problem)])
    add(result, "status", "Failed" if job.error_message else "Succeeded")
    add(result, "success", not job.error_message)
    add(result, "zipFile", base64.b64encode(job.zip_bytes).decode("ascii") if include_zip else "")
    return send(env)


def op_deploy(org, req) -> Response:
    zip_text = text(req, "ZipFile")
    opts = (children(req, "DeployOptions") or [None])[0]
    if zip_text is None or opts is None:
        raise SoapFault("soapenv:Client", "deploy needs ZipFile and DeployOptions")
    try:
        data = base64.b64decode(zip_text, validate=True) if zip_text else b""
    except (binascii.Error, ValueError):
        raise SoapFault("soapenv:Client", "ZipFile is not valid base64") from None
    deploy_checks.refuse_oversized_deploy(zip_text or "", data)
    fail_names = getattr(org.faults, "deploy_fail", set()) if getattr(org, "faults", None) else set()
    outcome = deploy_jobs.submit(
        org.metadata,
        deploy_jobs.DeployRequest(data, boolean(opts, "singlePackage", False), frozenset(fail_names)),
        check_only=boolean(opts, "checkOnly", False),
        rollback_on_error=boolean(opts, "rollbackOnError", True),
        ignore_warnings=boolean(opts, "ignoreWarnings", False),
        queued_polls=org.settings.deploy_queue_polls if hasattr(org, "settings") else 0,
    )
    return _with_consequences(async_result("deploy", outcome.id, False), outcome)


def _with_consequences(response: Response, outcome: DeployOutcome) -> Response:
    response.consequence = "; ".join(outcome.consequences) or None
    return response


def op_deploy_recent_validation(org, req) -> Response:
    outcome = deploy_jobs.quick_deploy(org.metadata, text(req, "validationId") or text(req, "id") or "")
    env, resp = reply("deployRecentValidation")
    add(resp, "result", outcome.id)
    return _with_consequences(send(env), outcome)


def op_cancel_deploy(org, req) -> Response:
    outcome = deploy_jobs.cancel(org.metadata, text(req, "id") or text(req, "String") or "")
    env, resp = reply("cancelDeploy")
    fill(resp, "result", [("done", outcome.done), ("id", outcome.id)])
    return send(env)


def op_read_metadata(org, req) -> Response:
    type_name = text(req, "type") or ""
    _refuse_unmodelled(org, type_name)
    env, resp = reply("readMetadata")
    result = add(resp, "result")
    for full_name in [(c.text or "").strip() for c in children(req, "fullNames")]:
        records = add(result, "records")
        records.set(f"{{{XSI_NS}}}type", type_name)
        root = metadata_types.read_component(org.metadata, type_name, full_name)
        if root is None:
            continue  # as Salesforce answers a name it lacks: a record with nothing in it
        add(records, "fullName", full_name)
        for child in root:
            if isinstance(child.tag, str) and etree.QName(child).localname != "fullName":
                records.append(child)
    return send(env)


def _deploy_message(parent, tag, c, when):
    fill(
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
    job: DeployOutcome = deploy_jobs.poll(org.metadata, text(req, "asyncProcessId") or text(req, "id") or "")
    include = boolean(req, "includeDetails", False)
    env, resp = reply("checkDeployStatus")
    result = add(resp, "result")
    errors = len([c for c in job.failures if c.component_type])
    deployed = len([c for c in job.successes if c.component_type])
    pairs = [
        ("checkOnly", job.check_only),
        ("completedDate", job.completed or None),
        ("createdBy", org.identity.user_id),
        ("createdByName", "Local Admin"),
        ("createdDate", job.created),
    ]
    for name, value in pairs:
        add(result, name, value)
    details = add(result, "details")
    if include:
        for c in job.failures:
            _deploy_message(details, "componentFailures", c, job.completed)
        for c in job.successes:
            _deploy_message(details, "componentSuccesses", c, job.completed)
    for name, value in [
        ("done", job.done),
        ("errorMessage", job.error_message),
        ("id", job.id),
        ("ignoreWarnings", job.ignore_warnings),
        ("lastModifiedDate", job.completed or job.created),
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
        ("success", job.status in ("Succeeded", "SucceededPartial")),
    ]:
        if value is not None:
            add(result, name, value)
    return send(env)


OPERATIONS = {
    "listMetadata": op_list_metadata,
    "describeMetadata": op_describe_metadata,
    "retrieve": op_retrieve,
    "checkStatus": op_check_status,
    "checkRetrieveStatus": op_check_retrieve_status,
    "deploy": op_deploy,
    "checkDeployStatus": op_check_deploy_status,
    "deployRecentValidation": op_deploy_recent_validation,
    "cancelDeploy": op_cancel_deploy,
    "readMetadata": op_read_metadata,
}


def operation_of(body: bytes):
    """The operation element of a SOAP request; SoapFault when the envelope is not one."""
    try:
        root = xml.parse(body, "request", xml.MAX_SOAP_BYTES).getroot()
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
