"""EmailPrivacy's CumulusCI tasks, and the one place that makes the product package importable for them.

CumulusCI loads a project's Python tasks through its synthetic `tasks` package, whose path lists the
main project's `tasks/` first and then, for each source with `allow_remote_code`, the source's
`tasks/`. A source's repository root is never put on `sys.path` (docs/salesforce-facts.md, "CumulusCI
and sources"), so the `email_privacy` package next to this folder is not importable by default; and a
consuming project's own `tasks/layouts.py` would shadow a plain `tasks/layouts.py` of ours. Hence the
tasks live in this subpackage, whose name is ours, and this module loads `email_privacy` from the
checkout it sits in.

Only that one package is loaded by path: putting the whole checkout root on `sys.path` would also
expose its `tests`, `localorg` and `benchmarks` packages to the consuming project's imports.
"""

import importlib.util
import sys
from pathlib import Path

PACKAGE = "email_privacy"
CHECKOUT = Path(__file__).resolve().parents[2]


def _version(init: Path) -> str:
    for line in init.read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return "unknown"


def load_product_package():
    """Import `email_privacy` from this checkout; if another copy is already imported, stop in one line.

    A copy installed elsewhere but not yet imported (someone pip-installed another version into
    CumulusCI's environment) is passed over: this checkout's code is loaded under the name instead.
    A copy already imported cannot be swapped out without mixing two versions, so that is refused.
    """
    ours = CHECKOUT / PACKAGE / "__init__.py"
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None:
        where = Path(getattr(loaded, "__file__", "") or "").resolve()
        if where == ours:
            return loaded
        raise ImportError(
            f"two copies of EmailPrivacy clash: {PACKAGE} {getattr(loaded, '__version__', 'unknown')} is already "
            f"imported from {where.parent}, and these tasks need {_version(ours)} from {ours.parent}; "
            f"uninstall the other copy (pip uninstall email-privacy) or use one source."
        )
    spec = importlib.util.spec_from_file_location(PACKAGE, ours, submodule_search_locations=[str(ours.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    return module


load_product_package()
