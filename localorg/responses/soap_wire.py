"""The Metadata API's SOAP wire format on the local org: reply envelopes built as the WSDL's reply elements,
and the parameters read from a request's operation element."""

from lxml import etree

from localorg import xml
from localorg.exceptions import SoapFault
from localorg.http import Response
from localorg.xml import MDAPI_NS

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


# ---- building replies ----------------------------------------------------------------------------


def envelope():
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS, None: MDAPI_NS, "xsi": XSI_NS})
    return env, etree.SubElement(env, f"{{{SOAP_NS}}}Body")


def add(parent, tag, value=None):
    """Append <tag>; booleans as true/false; None adds nothing (optional elements left out)."""
    el = etree.SubElement(parent, f"{{{MDAPI_NS}}}{tag}")
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def fill(parent, tag, pairs):
    """Append <tag> holding (name, value) children in order; None values are left out."""
    el = add(parent, tag)
    for name, value in pairs:
        if value is not None:
            add(el, name, value)
    return el


def reply(operation: str):
    env, body = envelope()
    return env, add(body, f"{operation}Response")


def send(env) -> Response:
    return Response.xml(xml.serialize(env))


FILE_PROPERTIES = (
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


def file_properties(parent, tag, props: dict):
    return fill(parent, tag, [(k, props.get(k)) for k in FILE_PROPERTIES])


def async_result(operation: str, job_id: str, done: bool) -> Response:
    env, resp = reply(operation)
    fill(resp, "result", [("done", done), ("id", job_id), ("state", "Completed" if done else "Queued")])
    return send(env)


# ---- reading requests ----------------------------------------------------------------------------


def children(el, name):
    # CumulusCI's envelopes put fields in the metadata namespace or in none (describeMetadata): match by local name.
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def parameter(op, position: int, name: str):
    """The operation's parameter at `position` of its WSDL sequence. Salesforce's document-literal binding
    takes parameters by position and type, so jsforce's `<retrieve><request>` is as good as the WSDL's
    `<retrieve><retrieveRequest>` (docs/salesforce-facts.md, "Salesforce's own CLI")."""
    params = [c for c in op if isinstance(c.tag, str)]
    named = children(op, name)
    if named:
        return named[0]
    return params[position] if len(params) > position else None


def text(el, name, default=None):
    found = children(el, name)
    return (found[0].text or "").strip() if found else default


def boolean(el, name, default: bool) -> bool:
    value = text(el, name)
    if value is None:
        return default
    # Any case: simple-salesforce's deploy sends Python's `False`, and real orgs take it.
    if value.lower() not in ("true", "false", "1", "0"):
        raise SoapFault("soapenv:Client", f"'{value}' is not a valid value for the type xsd:boolean in {name}")
    return value.lower() in ("true", "1")


def find_job(org, req, kind):
    job_id = text(req, "asyncProcessId") or text(req, "id")
    job = org.metadata.jobs.get(job_id or "")
    if not isinstance(job, kind):
        raise SoapFault("sf:INVALID_ID_FIELD", f"INVALID_ID_FIELD: invalid id: {job_id}")
    return job
