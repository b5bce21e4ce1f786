"""The local org's routes as data: (method, path regex, handler), matched in order by server.Router.

Method "*" matches any method a path has no route for: the refusals of what a real org serves and the
local org does not model (responses/refusals.py), so a client hears "not modelled", never a 404.
"""

from localorg.responses import (
    bulk,
    bulk_v1,
    composite,
    consent,
    describe,
    devhub,
    limits,
    oauth,
    refusals,
    resources,
    rest,
    soap,
)

V = r"^/services/data/v(?P<version>\d+\.\d)"
JOBS = V + r"/jobs"
ASYNC_JOB = r"^/services/async/(?P<version>\d+\.\d)/job"
BATCH = ASYNC_JOB + r"/(?P<job_id>\w+)/batch/(?P<batch_id>\w+)"
# The resources a real org lists for a version (REST API Developer Guide, "List Available REST Resources",
# its v66.0 example), plus ui-api (User Interface API Developer Guide).
REST_RESOURCES = (
    "tooling|metadata|eclair|folders|prechatForms|contact-tracing|jsonxform|chatter|payments|tabs|appMenu|"
    "quickActions|queryAll|commerce|wave|iot|analytics|search|smartdatadiscovery|composite|parameterizedSearch|"
    "fingerprint|theme|nouns|domino|event|serviceTemplates|recent|connect|licensing|limits|process|dedupe|"
    "async-queries|query|jobs|localizedvalue|mobile|emailConnect|consent|tokenizer|compactLayouts|async|sobjects|"
    "actions|support|ui-api"
)
# An sObject's resources beyond its describe and records (a describe's `urls` name several).
SOBJECT_RESOURCES = (
    "describe/(?:layouts|compactLayouts|approvalLayouts|namedLayouts)(?:/.*)?|listviews(?:/.*)?|quickActions(?:/.*)?"
    "|updated|deleted|defaultValues|eventSchema|relationships(?:/.*)?|suggestedArticles|platformaction"
)

ROUTES = [
    ("POST", r"^/services/oauth2/token$", oauth.oauth_token),
    ("GET", r"^/services/oauth2/userinfo$", oauth.userinfo),
    ("GET", r"^/id/(?P<org_id>\w+)/(?P<user_id>\w+)$", oauth.identity),
    ("GET", r"^/services/oauth2/singleaccess$", resources.single_access),
    ("POST", r"^/services/oauth2/singleaccess$", resources.single_access),
    ("GET", r"^/secur/frontdoor\.jsp$", resources.frontdoor),
    ("GET", r"^/services/data/?$", rest.versions),
    ("GET", V + r"/?$", rest.resources),
    ("GET", V + r"/sobjects/?$", describe.describe_global),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/describe/?$", describe.describe),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/?$", describe.sobject_basic),
    ("*", V + r"/sobjects/(?P<sobject>\w+)/(?P<resource>" + SOBJECT_RESOURCES + r")/?$", refusals.sobject_resource),
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
    ("GET", V + r"/limits/recordCount/?$", resources.record_count),
    ("GET", V + r"/search/?$", resources.search),
    ("POST", V + r"/composite/tree/(?P<sobject>\w+)/?$", composite.tree),
    ("GET", V + r"/tooling/query/?$", rest.tooling_query),
    ("GET", V + r"/tooling/executeAnonymous/?$", refusals.execute_anonymous),
    (
        "PATCH",
        V + r"/tooling/sobjects/SourceMember/(?P<record_id>[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?)/?$",
        devhub.update_source_member,
    ),
    ("GET", V + r"/(?:tooling/)?query/(?P<locator>01g\w+)-(?P<offset>\d+)$", rest.query_more),
    # After the version: an org id, or any path (simple-salesforce posts to .../63.0/deployRequest/<id>).
    (
        "POST",
        r"^/services/Soap/m/(?P<version>\d+\.\d)(?:/(?P<org_id>00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?))?(?:/\w*)*$",
        soap.handle,
    ),
    ("GET", V + r"/consent/action/(?P<action>\w+)/?$", consent.action),
    ("GET", V + r"/consent/multiaction/?$", consent.multiaction),
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
    ("POST", ASYNC_JOB + r"/?$", bulk_v1.create_job),
    ("GET", ASYNC_JOB + r"/(?P<job_id>\w+)/?$", bulk_v1.job),
    ("POST", ASYNC_JOB + r"/(?P<job_id>\w+)/?$", bulk_v1.job),
    ("GET", ASYNC_JOB + r"/(?P<job_id>\w+)/batch/?$", bulk_v1.batches),
    ("POST", ASYNC_JOB + r"/(?P<job_id>\w+)/batch/?$", bulk_v1.batches),
    ("GET", BATCH + r"/?$", bulk_v1.batch),
    ("GET", BATCH + r"/request/?$", bulk_v1.batch_request),
    ("GET", BATCH + r"/result/?$", bulk_v1.batch_result),
    ("GET", BATCH + r"/result/(?P<result_id>\w+)/?$", bulk_v1.query_result),
    # What a real org serves and the local org does not model: refused, last, for any method.
    ("*", r"^/services/Soap/(?P<api>(?!m/)[a-zA-Z]+)/", refusals.soap_api),
    ("*", V + r"/tooling/sobjects/(?P<sobject>\w+)(?:/.*)?$", refusals.tooling_sobject),
    ("*", V + r"/(?P<resource>" + REST_RESOURCES + r")(?:/.*)?$", refusals.rest_resource),
    ("*", r"^/services/apexrest(?:/.*)?$", refusals.apex_rest),
    ("*", r"^/services/async/(?P<version>\d+\.\d)/(?P<resource>.+)$", refusals.bulk_v1_resource),
    ("*", r"^/services/oauth2/(?P<endpoint>revoke|introspect|authorize|logout)$", refusals.oauth_endpoint),
    ("*", r"^/(?:$|lightning/|secur/|apex/|one/|setup/|home/)", refusals.user_interface),
]
