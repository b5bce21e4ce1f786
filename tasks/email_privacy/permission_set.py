"""CumulusCI task deploy_email_privacy_permission_set: the force-app permission sets, only when the org's differ."""

from pathlib import Path

from email_privacy.cci.spec import OptionSpec, flag, text
from email_privacy.cci.task import CHECK_ONLY, CLIENT_OPTIONS, ORG_STATE, MetadataTask
from email_privacy.errors import OptionError
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
"""
    options_spec = OptionSpec(
        text("path", "Folder of *.permissionset-meta.xml files, relative to the project.", allowed="path of a folder"),
        flag("dry_run", "Say what would be deployed; deploy nothing."),
        CHECK_ONLY,
        ORG_STATE,
        flag(
            "defer_to_layouts",
            "Set by the flow: deploy nothing, return what to deploy (return value deferred_files, {name: file}) so "
            "add_individual_field_to_layouts sends them in its one deploy.",
        ),
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

    def _run_task(self):
        result = deploy_permission_sets(
            self.connection, self.org_state, self.local, self.logger, self.dry_run, self.check_only, self.defer
        )
        self.return_values = result.return_values()
