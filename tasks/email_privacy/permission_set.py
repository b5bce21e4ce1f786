"""CumulusCI task deploy_email_privacy_permission_set: the force-app permission sets, only when the org's differ."""

from pathlib import Path

from email_privacy.cci.options import CHECK_ONLY_OPTION, CLIENT_TASK_OPTIONS, ORG_STATE_OPTION, parse_bool, parse_list
from email_privacy.cci.task import MetadataTask
from email_privacy.errors import OptionError
from email_privacy.features.assign_permission_set import PERMISSION_SET, assign
from email_privacy.features.permission_set import (
    DEFAULT_PATH,
    SOURCE_SUFFIX,
    deploy_permission_sets,
    local_permission_sets,
)


class DeployEmailPrivacyPermissionSet(MetadataTask):
    task_docs = """
Deploys the permission sets in force-app/main/default/permissionsets (the one that lets reps read and
edit Individual records and their Don't Track / Don't Process fields), converted to Metadata API
format in Python, in one deploy. It first retrieves the org's copies (or reuses the flow's read) and
deploys nothing when the org already holds every element of them.

With assign_to_usernames or assign_to_where it then assigns Email Privacy: Individual Access to those
active users (IsActive = true is always added) who do not hold it yet; a second run writes nothing; a dry
run lists them. In the flow the set is deployed with the layouts, so a later step (assign_only) assigns it.
"""
    task_options = {
        "path": {"description": f"Folder of *.permissionset-meta.xml files (default {DEFAULT_PATH})."},
        "dry_run": {"description": "Say what would be deployed; deploy nothing (default false)."},
        **CHECK_ONLY_OPTION,
        **ORG_STATE_OPTION,
        "defer_to_layouts": {
            "description": "Set by the flow: deploy nothing, return what to deploy (return value "
            "deferred_files, {name: file}) so add_individual_field_to_layouts sends them in its one "
            "deploy (default false)."
        },
        "assign_to_usernames": {
            "description": f"Comma-separated usernames of active users to assign {PERMISSION_SET} to "
            "(those who hold it already are left alone)."
        },
        "assign_to_where": {
            "description": 'SOQL condition on User choosing whom to assign it to, e.g. "Profile.Name = '
            "'Standard User'\" (IsActive = true is always added)."
        },
        "assign_only": {
            "description": "Set by the flow: deploy nothing, only make the assignments asked for (default false)."
        },
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        folder = Path(str(self.options.get("path") or DEFAULT_PATH))
        if not folder.is_absolute() and self.project_config.repo_root:
            folder = Path(self.project_config.repo_root) / folder
        if not folder.is_dir():
            raise OptionError(f"Option path: {folder} is not an existing folder of *{SOURCE_SUFFIX} files.")
        self.local = local_permission_sets(folder)
        if not self.local:
            raise OptionError(f"Option path: {folder} holds no *{SOURCE_SUFFIX} file.")
        self.defer = parse_bool("defer_to_layouts", self.options.get("defer_to_layouts"), False)
        self.assign_only = parse_bool("assign_only", self.options.get("assign_only"), False)
        self.usernames = parse_list("assign_to_usernames", self.options.get("assign_to_usernames"))
        self.where = str(self.options.get("assign_to_where") or "").strip()
        if self.usernames and self.where:
            raise OptionError("Options assign_to_usernames and assign_to_where: give one of them, not both.")
        if self.where and (";" in self.where or self.where.lower().startswith("where ")):
            raise OptionError(
                f"Option assign_to_where: {self.where!r} is not a SOQL condition; give what follows WHERE, "
                "e.g. \"Profile.Name = 'Standard User'\"."
            )

    def _update_credentials(self):
        # The flow's assignment step with nothing to assign makes no call, not even a token refresh.
        if not self.assign_only or self.usernames or self.where:
            super()._update_credentials()

    def _run_task(self):
        wanted = bool(self.usernames or self.where)
        if self.assign_only:
            self.return_values = {"assignment": self._assign().to_dict() if wanted else None}
            return
        result = deploy_permission_sets(
            self.connection, self.org_state, self.local, self.logger, self.dry_run, self.check_only, self.defer
        )
        self.return_values = result.return_values()
        if wanted and self.defer:
            self.logger.info("The assignment follows the layouts deploy (the flow's assign_only step).")
        elif wanted and not self.check_only:
            self.return_values["assignment"] = self._assign().to_dict()

    def _assign(self):
        return assign(self.rest, self.usernames, self.where, self.dry_run, self.logger)
