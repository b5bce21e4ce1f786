"""The local org's routes as data: (method, path regex, handler), matched in order by server.Router."""

from .responses import bulk, composite, describe, devhub, limits, oauth, refusals, rest, soap

V = r"^/services/data/v(?P<version>\d+\.\d)"
JOBS = V + r"/jobs"

ROUTES = [
    ("POST", r"^/services/oauth2/token$", oauth.oauth_token),
    ("GET", r"^/services/oauth2/userinfo$", oauth.userinfo),
    ("GET", r"^/id/(?P<org_id>\w+)/(?P<user_id>\w+)$", oauth.identity),
    ("GET", r"^/services/data/?$", rest.versions),
    ("GET", V + r"/?$", rest.resources),
    ("GET", V + r"/sobjects/?$", describe.describe_global),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/describe/?$", describe.describe),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/?$", describe.sobject_basic),
    ("POST", V + r"/sobjects/ScratchOrgInfo/?$", devhub.create_scratch_org_info),
    ("DELETE", V + r"/sobjects/ActiveScratchOrg/(?P<record_id>\w+)/?$", devhub.delete_active_scratch_org),
    ("POST", V + r"/sobjects/(?P<sobject>\w+)/?$", rest.create_record),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/(?P<record_id>\w+)/?$", rest.get_record),
    ("PATCH", V + r"/sobjects/(?P<sobject>\w+)/(?P<record_id>\w+)/?$", rest.update_record),
    ("DELETE", V + r"/sobjects/(?P<sobject>\w+)/(?P<record_id>\w+)/?$", rest.delete_record),
    ("POST", V + r"/composite/?$", composite.composite),
    ("POST", V + r"/composite/batch/?$", composite.batch),
    ("POST", V + r"/composite/sobjects/?$", rest.collections),
    ("PATCH", V + r"/composite/sobjects/?$", rest.collections),
    ("GET", V + r"/limits/?$", limits.limits),
    ("GET", V + r"/(?:query|queryAll)/?$", rest.query),
    ("GET", V + r"/tooling/query/?$", rest.tooling_query),
    ("GET", V + r"/tooling/executeAnonymous/?$", refusals.execute_anonymous),
    (
        "PATCH",
        V + r"/tooling/sobjects/SourceMember/(?P<record_id>[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?)/?$",
        devhub.update_source_member,
    ),
    ("GET", V + r"/(?:tooling/)?query/(?P<locator>01g\w+)-(?P<offset>\d+)$", rest.query_more),
    ("POST", r"^/services/Soap/m/(?P<version>\d+\.\d)(?:/(?P<org_id>\w+))?$", soap.handle),
    ("POST", JOBS + r"/ingest/?$", bulk.create_ingest),
    ("PUT", JOBS + r"/ingest/(?P<job_id>\w+)/batches/?$", bulk.upload),
    ("GET", JOBS + r"/ingest/(?P<job_id>\w+)/?$", bulk.ingest_job),
    ("PATCH", JOBS + r"/ingest/(?P<job_id>\w+)/?$", bulk.ingest_job),
    ("DELETE", JOBS + r"/ingest/(?P<job_id>\w+)/?$", bulk.ingest_job),
    (
        "GET",
        JOBS + r"/ingest/(?P<job_id>\w+)/(?P<kind>successfulResults|failedResults|unprocessedrecords)/?$",
        bulk.ingest_results,
    ),
    ("POST", JOBS + r"/query/?$", bulk.create_query),
    ("GET", JOBS + r"/query/(?P<job_id>\w+)/?$", bulk.query_job),
    ("GET", JOBS + r"/query/(?P<job_id>\w+)/results/?$", bulk.query_results),
]
