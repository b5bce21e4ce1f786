"""The product and the local org stay apart: read every module's imports (ast) and check that

- no module of `email_privacy` imports `localorg`, except the two bridges: the CLI's `org serve`
  (a lazy "module:attr" entry, so it shows as a string) and the demo, which starts a local org;
- no module of `localorg` imports anything of `email_privacy`: the local org checks the product, so it has
  its own XML handling, its own schema knowledge (read from the WSDL) and its own Salesforce facts.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_BRIDGES = {"email_privacy/cli/demo.py"}


def imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative imports resolved against its package)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # `from a import b` imports a.b (a module or a name of a): recorded as a.b only, so
            # `from email_privacy.metadata import documents` counts as that module.
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules under {package}/"
    return files


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_imports_are_resolved_as_python_resolves_them():
    # The checks below are only as good as this reading of relative imports.
    found = imports(ROOT / "localorg" / "models" / "seed" / "settings.py")
    assert "localorg.models.identity.OrgIdentity" in found and "localorg.xml.MDAPI_NS" in found
    assert "localorg.models.seed.layouts.element" in found and "localorg.xml" in found


def test_the_product_imports_the_local_org_only_in_its_bridges():
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in imports(path) if under(n, "localorg"))
        for path in modules("email_privacy")
        if str(path.relative_to(ROOT)) not in PRODUCT_BRIDGES
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    demo = imports(ROOT / "email_privacy" / "cli" / "demo.py")
    assert {n for n in demo if under(n, "localorg")} == {"localorg.process.LocalOrgProcess"}


def test_the_cli_bridge_names_the_local_org_command_lazily():
    cli = ROOT / "email_privacy" / "cli" / "main.py"
    strings = {
        node.value
        for node in ast.walk(ast.parse(cli.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert "localorg.cli:org" in strings


def test_the_local_org_imports_nothing_of_the_product():
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in imports(path) if under(n, "email_privacy"))
        for path in modules("localorg")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


# The product's layers, top to bottom: a layer imports only the layers below it (errors and private_files
# are shared by all). The CumulusCI glue is above the steps it runs; options, reports and JUnit are below them.
LAYERS = ("cli", "cci", "steps", "options", "reports", "api", "metadata")
# The API clients: built from org config, a logger and a refresh callable; they know no step and no task.
CLIENTS = ("api/metadata_api.py", "api/rest.py", "api/records.py", "api/connection.py", "api/ingest_files.py")
SHARED = ("email_privacy/__init__.py", "email_privacy/errors.py", "email_privacy/private_files.py")


def product_imports(path: Path) -> set[str]:
    return {n for n in imports(path) if under(n, "email_privacy")}


def test_each_layer_imports_only_the_layers_below_it():
    offenders = {}
    for i, layer in enumerate(LAYERS):
        above = [f"email_privacy.{upper}" for upper in LAYERS[:i]]
        for path in modules(f"email_privacy/{layer}"):
            wrong = sorted(n for n in product_imports(path) if any(under(n, a) for a in above))
            if wrong and str(path.relative_to(ROOT)) not in PRODUCT_BRIDGES:
                offenders[str(path.relative_to(ROOT))] = wrong
    assert offenders == {}


def test_every_module_is_in_a_layer_or_shared():
    layered = {f"email_privacy/{layer}/" for layer in LAYERS}
    loose = [
        str(path.relative_to(ROOT))
        for path in modules("email_privacy")
        if not any(str(path.relative_to(ROOT)).startswith(folder) for folder in layered)
        and str(path.relative_to(ROOT)) not in SHARED
    ]
    assert loose == []


def test_shared_modules_import_no_layer():
    for shared in SHARED:
        assert product_imports(ROOT / shared) <= {"email_privacy.errors.OrgError", "email_privacy.errors.OptionError"}


def test_no_layer_but_the_tasks_imports_the_cumulusci_task_glue():
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in product_imports(path) if under(n, "email_privacy.cci.task"))
        for path in modules("email_privacy")
        if not str(path.relative_to(ROOT)).startswith("email_privacy/cci/")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_clients_import_no_step_and_hold_no_task():
    for client in CLIENTS:
        path = ROOT / "email_privacy" / client
        steps = sorted(n for n in product_imports(path) if under(n, "email_privacy.steps"))
        assert steps == [], client
        names = {
            node.id for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Name)
        }
        assert "task" not in names, f"{client} takes a task; build it from org config, a logger and a refresh"


def test_every_deploy_goes_through_the_step_template():
    # steps/step.py's deploy refuses enableConsentManagement false: no other module calls the client's deploy.
    callers = set()
    for path in modules("email_privacy"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and func.attr == "deploy" and isinstance(func.value, ast.Attribute):
                callers.add(str(path.relative_to(ROOT)))
    assert callers == {"email_privacy/steps/step.py"}


# Steps that run an operation; besides its own module, each takes of steps/ only the template (step), the read,
# the verdict and the helpers they share (guard, snapshots, pages, who_can_tick): never another operation.
OPERATIONS = ("prerequisites", "verify", "individual_field", "settings", "permission_set", "restore")
SHARED_STEPS = ("step", "read", "verdict", "guard", "snapshots", "pages", "who_can_tick")


def steps_imported(module: str) -> set[str]:
    path = ROOT / "email_privacy" / "steps" / f"{module}.py"
    return {n.split(".")[2] for n in product_imports(path) if under(n, "email_privacy.steps")}


def test_operations_import_no_other_operation():
    offenders = {op: sorted(steps_imported(op) & (set(OPERATIONS) - {op})) for op in (*OPERATIONS, *SHARED_STEPS)}
    assert {k: v for k, v in offenders.items() if v} == {}
    # Prerequisites and verify judge the org through the one verdict.
    assert {"read", "verdict"} <= steps_imported("prerequisites") and "verdict" in steps_imported("verify")
