"""Test support: the Email privacy workflow as data, and its steps' commands and environments resolved the way
GitHub resolves them for one matrix entry, so tests run exactly what the workflow runs."""

import json
import os
import re
import shlex
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "email-privacy.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def step(job: dict, marker: str) -> dict:
    """The one step of `job` whose run command contains `marker`."""
    found = [s for s in job["steps"] if marker in s.get("run", "")]
    assert len(found) == 1, f"{len(found)} steps run {marker}"
    return found[0]


def resolve(value: str, context: dict) -> str:
    """Replace each ${{ ... }} by its value from `context` ({"matrix.name": ..., "secrets[matrix.x]": ...});
    an expression the context lacks fails the test, so the workflow cannot grow an input the tests ignore."""

    def one(m):
        expr = m.group(1)
        if expr.startswith("secrets[matrix."):
            expr = "secrets." + str(context[f"matrix.{expr[len('secrets[matrix.') : -1]}"])
        assert expr in context, f"the test does not know {expr!r}"
        value = context[expr]
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    return EXPRESSION.sub(one, str(value))


def step_env(workflow: dict, job: dict, st: dict, context: dict) -> dict[str, str]:
    """Workflow env, then job env, then step env, resolved."""
    merged = {**workflow.get("env", {}), **job.get("env", {}), **st.get("env", {})}
    return {k: resolve(v, context) for k, v in merged.items()}


def argv(st: dict, env: dict[str, str]) -> list[str]:
    """The step's one-line run command as the shell splits it, with "$VAR" taken from env."""
    command = st["run"].strip()
    assert "\n" not in command, "the step runs one command"

    def var(m):
        return env.get(m.group(1)) or (m.group(2) or ":-")[2:]

    return [re.sub(r"\$\{?(\w+)(:-[^}]*)?\}?", var, w) for w in shlex.split(command)]


def matrix_context(entry: dict, secrets: dict[str, str], runner_temp: Path) -> dict:
    """The expression context of one matrix job (one job of ci/orgs_matrix.py's matrix)."""
    context = {f"matrix.{k}": v for k, v in entry.items()}
    context["toJSON(matrix.orgs)"] = json.dumps(entry.get("orgs", []), indent=2)
    context.update({f"secrets.{k}": v for k, v in secrets.items()})
    context["runner.temp"] = str(runner_temp)
    return context


def local_command() -> list[str]:
    """How a person (and the end-to-end tests) runs one job's share of orgs outside GitHub, with the share in
    EMAIL_PRIVACY_SHARE."""
    return ["python", "ci/run_share.py"]


def share_step_env(wf: dict, entry: dict, secrets: dict[str, str], runner_temp: Path, org, summary: Path) -> dict:
    """The environment of one job's share step against a local org: the workflow's env for that matrix entry,
    plus only what a runner has besides it: PATH (cci, python3), HOME, the step summary file, and the local
    org's self-signed certificate, which a real org does not need."""
    job = wf["jobs"]["org"]
    env = step_env(wf, job, step(job, "ci/run_share.py"), matrix_context(entry, secrets, runner_temp))
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        HOME=str(org.new_home()),
        REQUESTS_CA_BUNDLE=org.env["REQUESTS_CA_BUNDLE"],
        SSL_CERT_FILE=org.env["SSL_CERT_FILE"],
        GITHUB_STEP_SUMMARY=str(summary),
    )
    return env
