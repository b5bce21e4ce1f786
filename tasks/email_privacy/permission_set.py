"""CumulusCI task deploy_email_privacy_permission_set: the force-app permission sets, only when the org's differ."""

from pathlib import Path

from email_privacy.cci.task import CHECK_ONLY, CLIENT_OPTIONS, FLOW_READ, OrgTask
from email_privacy.errors import OptionError
from email_privacy.options.spec import OptionSpec, flag, name_list, text
from email_privacy.steps.assign_permission_set import PERMISSION_SET, assign
from email_privacy.steps.individuals_request import parse_condition
from email_privacy.steps.permission_set import (
    DEFAULT_PATH,
    SOURCE_SUFFIX,
    deploy_permission_sets,
    local_permission_sets,
)


class DeployEmailPrivacyPermissionSet(OrgTask):
    task_docs = """
Deploys the permission sets in force-app/main/default/permissionsets (reps may read and edit Individual and
its Don't Track / Don't Process fields), only when the org's copies lack an element of them. With
assign_to_usernames or assign_to_where it then assigns Email Privacy: Individual Access to those active users
who lack it. Details: docs/reps.md.
"""
    options_spec = OptionSpec(
        text("path", "Folder of *.permissionset-meta.xml files, relative to the project.", allowed="path of a folder"),
        flag("dry_run", "Say what would be deployed; deploy nothing."),
        CHECK_ONLY,
        FLOW_READ,
        flag(
            "defer_to_layouts",
            "Set by the flow: deploy nothing, return what to deploy (return value deferred_files, {name: file}) so "
            "add_individual_field_to_layouts sends them in its one deploy.",
        ),
        name_list(
            "assign_to_usernames",
            f"Usernames of active users to assign {PERMISSION_SET} to (those who hold it already are left alone).",
        ),
        text(
            "assign_to_where",
            "SOQL condition on User choosing whom to assign it to, e.g. \"Profile.Name = 'Standard User'\" "
            "(IsActive = true is always added).",
            parse_condition,
            "a SOQL condition",
        ),
        flag("assign_only", "Set by the flow: deploy nothing, only make the assignments asked for."),
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        folder = Path(self.parsed_options.path or DEFAULT_PATH)
        if not folder.is_absolute() and self.project_config.repo_root:
            folder = Path(self.project_config.repo_root) / folder
        if not folder.is_dir():
            raise OptionError(f"Option path: {folder} is not an existing folder of *{SOURCE_SUFFIX} files.")
        self.local = local_permission_sets(folder)
        if not self.local:
            raise OptionError(f"Option path: {folder} holds no *{SOURCE_SUFFIX} file.")
        self.defer = self.parsed_options.defer_to_layouts
        self.assign_only = self.parsed_options.assign_only
        self.usernames = self.parsed_options.assign_to_usernames
        self.where = self.parsed_options.assign_to_where or ""
        if self.usernames and self.where:
            raise OptionError("Options assign_to_usernames and assign_to_where: give one of them, not both.")

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
            self.connection, self.read, self.local, self.logger, self.dry_run, self.check_only, self.defer
        )
        self.return_values = result.return_values()
        if wanted and self.defer:
            self.logger.info("The assignment follows the layouts deploy (the flow's assign_only step).")
        elif wanted and not self.check_only:
            self.return_values["assignment"] = self._assign().to_dict()

    def _assign(self):
        return assign(self.rest, self.usernames, self.where, self.dry_run, self.logger)
