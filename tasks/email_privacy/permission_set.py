"""CumulusCI task deploy_email_privacy_permission_set: the force-app permission set, only when the org's differs.

The files in force-app are in source format (`X.permissionset-meta.xml`). CumulusCI's own `deploy`
task converts source format through the sf CLI, which this project does not require, so the
conversion is done here: for a PermissionSet it is a rename to `permissionsets/X.permissionset`.
"""

from pathlib import Path

from email_privacy import metadata_xml, orgstate
from email_privacy.errors import OptionError
from email_privacy.metadata_api import CHECK_ONLY_OPTION, CLIENT_TASK_OPTIONS, ORG_STATE_OPTION, MetadataTask
from email_privacy.metadata_xml import package_xml
from email_privacy.options import parse_bool

SOURCE_SUFFIX = ".permissionset-meta.xml"
DEFAULT_PATH = "force-app/main/default/permissionsets"


def local_permission_sets(folder: Path) -> dict[str, bytes]:
    """{name: bytes} of every `*.permissionset-meta.xml` in `folder`, each parsed safely first."""
    found = {}
    for path in sorted(Path(folder).glob(f"*{SOURCE_SUFFIX}")):
        data = path.read_bytes()
        metadata_xml.parse(data, str(path))
        found[path.name[: -len(SOURCE_SUFFIX)]] = data
    return found


class DeployEmailPrivacyPermissionSet(MetadataTask):
    task_docs = """
Deploys the permission sets in force-app/main/default/permissionsets (the one that lets reps read and
edit Individual records and their Don't Track / Don't Process fields), converted to Metadata API
format in Python, in one deploy. It first retrieves the org's copies (or reuses the flow's read) and
deploys nothing when the org already holds every element of them.
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

    def _run_task(self):
        state = self.org_state
        if state is None or not set(self.local) <= set(state.permission_sets_read):
            state = orgstate.read_org(self.client, objects=(), permission_sets=list(self.local), include_settings=False)
        todo = {n: d for n, d in self.local.items() if not orgstate.already_in_org(d, state.permission_sets.get(n), n)}
        self.return_values = {
            "deployed": [],
            "unchanged": sorted(set(self.local) - set(todo)),
            "dry_run": self.dry_run,
            "check_only": self.check_only,
            "deferred": [],
            "deferred_files": orgstate.PermissionSetFiles(),
        }
        if not todo:
            self.logger.info(
                f"The org already has permission set(s) {', '.join(sorted(self.local))} as in force-app: nothing to deploy."
            )
            return
        if self.dry_run:
            self.logger.info(
                f"Dry run: would deploy permission set(s) {', '.join(sorted(todo))}; nothing was deployed."
            )
            return
        if self.defer:
            # Issue 7 allows two deploys (settings, layouts): the layouts step sends these in its deploy.
            self.return_values.update(deferred=sorted(todo), deferred_files=orgstate.PermissionSetFiles(todo))
            self.logger.info(
                f"Permission set(s) {', '.join(sorted(todo))} differ from the org's: they go in the "
                "layouts step's deploy (defer_to_layouts); nothing deployed here."
            )
            return
        files = {f"permissionsets/{n}.permissionset": d for n, d in todo.items()}
        files["package.xml"] = package_xml({"PermissionSet": sorted(todo)}, self.client.api_version)
        self.client.deploy(files, check_only=self.check_only)
        if not self.check_only:
            self.return_values["deployed"] = sorted(todo)
        self.logger.info(
            ("Validated (check only): " if self.check_only else "Deployed permission set(s): ")
            + ", ".join(sorted(todo))
        )
