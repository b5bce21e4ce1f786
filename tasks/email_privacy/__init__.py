"""Loads `email_privacy` from this checkout by path: a source's root is never on `sys.path`, and the whole root
there would expose our tests too (docs/salesforce-facts.md, CumulusCI and sources)."""

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
    """A copy imported already is refused (two versions would mix); one installed but not imported is passed over."""
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
