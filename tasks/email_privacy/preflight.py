"""CumulusCI task check_email_privacy_prerequisites: can this org take the configuration? Checked before any change."""

from pathlib import Path

from email_privacy import preflight, report, verify
from email_privacy.errors import OrgError
from email_privacy.layouts import TARGET_OBJECTS
from email_privacy.metadata_api import CLIENT_TASK_OPTIONS, MetadataTask, call_rest
from email_privacy.options import parse_bool, parse_list
from email_privacy.orgstate import read_org
from email_privacy.settings import SettingsOptions, desired_settings

PERMISSION_SET_FOLDER = "force-app/main/default/permissionsets"
PERMISSION_SET_SUFFIX = ".permissionset-meta.xml"
CHECK_COLUMNS = (("item", "Item"), ("state", "Found"), ("verdict", "Verdict"), ("action", "What to do"))


class CheckEmailPrivacyPrerequisites(MetadataTask):
    task_docs = """
Checks, before anything in the org changes, that it can honour individual email-tracking preferences,
and prints each item with a verdict (OK, WILL CHANGE, WARNING, FAIL, INFO) and what to do:

- the edition (Organization.OrganizationType): Essentials, Professional, Enterprise, Performance, Unlimited or
  Developer, production, sandbox or scratch org; Group Edition ("Team Edition") and the others fail;
- the running user's permissions (UserPermissionAccess): Customize Application, Modify All Data or Modify
  Metadata, API Enabled;
- person accounts on or off (decides whether PersonAccount layouts are in scope);
- Lightning Experience on or off (decides Enhanced Email under enhanced_email: auto);
- the current values of the four settings.

Fails, naming the edition or the permission, on an unsupported edition or a missing permission. It reads the
org's settings and target layouts once (one listMetadata, one retrieve) and returns that read as org_state, so
the later steps of enable_individual_email_tracking reuse it instead of reading again. Its other return values
(dry_run, enhanced_email, email_tracking, objects, person_accounts, lightning, edition, checks...) let the flow set
a choice once, on this step, for every later step.
"""
    task_options = {
        "allow_unknown_edition": {
            "description": "Go on (with a warning) when Organization.OrganizationType is a value this project does not "
            "know, e.g. an Essentials org. Default: false."
        },
        "enhanced_email": {
            "description": "auto (Enhanced Email required only where Lightning Experience is on), true or false. "
            "Returned for the later steps. Default: auto."
        },
        "email_tracking": {
            "description": "Whether Activity Settings' Enable Email Tracking is to be on. Returned for the later steps. "
            "Default: true."
        },
        "objects": {
            "description": "Objects whose layouts are in scope, comma-separated, from Contact, Lead, PersonAccount. "
            "Default: Contact and Lead, plus PersonAccount where person accounts are on."
        },
        "dry_run": {
            "description": "Changes nothing here either way; returned as dry_run so the flow's later steps can read "
            "it (-o check_email_privacy_prerequisites__dry_run true makes the whole flow a dry run). Default: false."
        },
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.options
        # Every option is checked here, before the org is touched, with a one-line message naming it.
        self.allow_unknown = parse_bool("allow_unknown_edition", o.get("allow_unknown_edition"), False)
        self.settings_options = SettingsOptions.from_options(o)
        self.objects = parse_list("objects", o.get("objects"), TARGET_OBJECTS)

    def _organization(self) -> dict:
        # CumulusCI already read the Organization record while refreshing the token; query only if it did not.
        org = self.org_config.organization_sobject
        if not org or "OrganizationType" not in org:
            fields = ", ".join(preflight.ORGANIZATION_FIELDS)
            records = call_rest(self, self.sf, self.sf.query, f"SELECT {fields} FROM Organization")["records"]
            org = records[0] if records else {}
        return dict(org)

    def _permissions(self) -> dict:
        records = call_rest(self, self.sf, self.sf.query, preflight.PERMISSION_QUERY)["records"]
        if not records:
            raise OrgError("UserPermissionAccess returned no row for the running user; cannot check permissions.")
        return records[0]

    def _permission_set_names(self) -> list[str]:
        # Read in the same retrieve, so deploy_email_privacy_permission_set can compare without reading again.
        folder = Path(self.project_config.repo_root or ".") / PERMISSION_SET_FOLDER
        return sorted(p.name[: -len(PERMISSION_SET_SUFFIX)] for p in folder.glob(f"*{PERMISSION_SET_SUFFIX}"))

    def _run_task(self):
        org = self._organization()
        kind = preflight.org_kind(org.get("IsSandbox"), org.get("TrialExpirationDate"))
        checks = [preflight.check_edition(org.get("OrganizationType"), kind, self.allow_unknown)]
        checks += preflight.check_permissions(self._permissions())
        if preflight.failures(checks):
            # Stop before reading metadata: a user without these rights may not even be allowed to.
            report.log_table(self.logger, "Email privacy prerequisites", CHECK_COLUMNS, [c.as_dict() for c in checks])
            preflight.raise_on_failures(checks)

        person_accounts = self.person_accounts_enabled()
        objects = preflight.target_objects(self.objects, person_accounts, self.logger)
        state = read_org(self.client, objects, permission_sets=self._permission_set_names())
        lightning = state.lightning_on
        # Lightning unknown under auto: count Enhanced Email as wanted (the Lightning check warns about it).
        desired = desired_settings(self.settings_options, True if lightning is None else lightning)
        checks.append(preflight.check_person_accounts(person_accounts))
        checks.append(preflight.check_lightning(lightning, self.settings_options.enhanced_email))
        checks += preflight.check_settings(state.settings, desired)
        report.log_table(self.logger, "Email privacy prerequisites", CHECK_COLUMNS, [c.as_dict() for c in checks])
        preflight.raise_on_failures(checks)
        already = verify.configured(verify.state_rows(state, objects, self.settings_options))
        if already:
            self.logger.info(
                "The org is already configured: every setting is on and every target layout has the Individual field; the following steps deploy nothing."
            )
        else:
            self.logger.info(
                "The org can take the configuration."
                + (" Dry run: the following steps change nothing." if self.dry_run else "")
            )

        self.return_values = {
            "org_state": state,
            "already_configured": already,
            "dry_run": self.dry_run,
            "enhanced_email": self.settings_options.enhanced_email,
            "email_tracking": self.settings_options.email_tracking,
            "objects": objects,
            "person_accounts": person_accounts,
            "lightning": lightning,
            "edition": org.get("OrganizationType"),
            "org_kind": kind,
            "settings": {f"{t}.{f}": v for t, fields in state.settings.items() for f, v in fields.items()},
            "checks": [c.as_dict() for c in checks],
        }
