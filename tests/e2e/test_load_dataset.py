"""CumulusCI's own data loader (`cci task run load_dataset`) against the local org: Accounts, Contacts that look
their Account up, and Leads without a Status (Salesforce fills in the picklist's default). The records are
checked in the org's own database.
"""

import subprocess

from tests.harness import ok, records, run_cci

MAPPING = """\
Insert Accounts:
  sf_object: Account
  fields:
    - Name
Insert Contacts:
  sf_object: Contact
  fields:
    - FirstName
    - LastName
    - Email
  lookups:
    AccountId:
      table: Account
Insert Leads:
  sf_object: Lead
  fields:
    - LastName
    - Company
"""

DATASET = """\
CREATE TABLE "Account" (id VARCHAR(255) NOT NULL, "Name" VARCHAR(255), PRIMARY KEY (id));
INSERT INTO "Account" VALUES('Account-1', 'Acme Loaded');
INSERT INTO "Account" VALUES('Account-2', 'Globex Loaded');
CREATE TABLE "Contact" (id VARCHAR(255) NOT NULL, "FirstName" VARCHAR(255), "LastName" VARCHAR(255),
    "Email" VARCHAR(255), "AccountId" VARCHAR(255), PRIMARY KEY (id));
INSERT INTO "Contact" VALUES('Contact-1', 'Dora', 'Loaded', 'dora@example.com', 'Account-1');
INSERT INTO "Contact" VALUES('Contact-2', 'Eli', 'Loaded', 'eli@example.com', 'Account-2');
CREATE TABLE "Lead" (id VARCHAR(255) NOT NULL, "LastName" VARCHAR(255), "Company" VARCHAR(255), PRIMARY KEY (id));
INSERT INTO "Lead" VALUES('Lead-1', 'Fay', 'Initech Loaded');
"""


def cumulusci_project(folder):
    """A bare CumulusCI project: load_dataset is built in, and cci insists on a git checkout (a folder named .git,
    which a git worktree of this repository does not have)."""
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "cumulusci.yml").write_text('project:\n    name: LoadCheck\n    package:\n        api_version: "63.0"\n')
    return folder


def test_load_dataset_inserts_accounts_contacts_with_their_account_and_leads(local_org, tmp_path):
    org = local_org()
    project = cumulusci_project(tmp_path / "project")
    (project / "mapping.yml").write_text(MAPPING, encoding="utf-8")
    (project / "data.sql").write_text(DATASET, encoding="utf-8")
    ok(
        run_cci(
            org, "task", "run", "load_dataset", "--org", "sim", "-o", "mapping", "mapping.yml",
            "-o", "sql_path", "data.sql", "-o", "set_recently_viewed", "False", cwd=project,
        )
    )  # fmt: skip
    accounts = dict(records(org, "SELECT Name, Id FROM Account WHERE Name LIKE '% Loaded'"))
    assert set(accounts) == {"Acme Loaded", "Globex Loaded"}
    contacts = records(org, "SELECT FirstName, Email, AccountId FROM Contact WHERE LastName = 'Loaded' ORDER BY Email")
    assert contacts == [
        ("Dora", "dora@example.com", accounts["Acme Loaded"]),
        ("Eli", "eli@example.com", accounts["Globex Loaded"]),
    ]
    leads = records(org, "SELECT LastName, Company, Status FROM Lead WHERE Company = 'Initech Loaded'")
    assert leads == [("Fay", "Initech Loaded", "Open - Not Contacted")]
