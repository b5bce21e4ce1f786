"""How one org behaves where a test or a run needs it to differ from Salesforce's defaults (not the org's
Settings metadata). Held in memory: a restarted org takes them from its serve options again."""

from dataclasses import dataclass

QUERY_PAGE_SIZE = 2000  # REST query rows per page, Salesforce's default batch size


@dataclass
class OrgSettings:
    query_page_size: int = QUERY_PAGE_SIZE  # rows per REST query page before nextRecordsUrl
    deploy_queue_polls: int = 0  # status polls a deploy waits as Pending (so a client can cancel it); 0 runs it at once
