"""`email-privacy org serve`: run a local Salesforce org over HTTPS on 127.0.0.1.

When ready it writes an env file of shell `export` lines that make `cci ... --org sim` use it, then
serves until SIGINT or SIGTERM and exits 0. Bad options: one line on stderr, exit 2, nothing created.
"""

import json
import shlex
import signal
import sys
import threading
from pathlib import Path

import click

from localorg.exceptions import OptionError
from localorg.faults import FAULT_FORMS

ORG_NAME = "sim"


def env_lines(org, bundle: Path) -> dict[str, str]:
    """The environment that points cci at this org (values unquoted)."""
    from localorg.responses.oauth import base_url, identity_url

    p = org.identity
    org_config = {
        "instance_url": base_url(org),
        "refresh_token": org.sessions.refresh_token,
        "username": p.username,
        "org_id": p.org_id,
        "id": identity_url(org),
        "access_token": "",
        "org_type": p.edition,
        "is_sandbox": p.is_sandbox,
        "instance_name": p.instance_name,
        "expires": "Persistent",
    }
    return {
        f"CUMULUSCI_ORG_{ORG_NAME}": json.dumps(org_config),
        "REQUESTS_CA_BUNDLE": str(bundle),
        "SSL_CERT_FILE": str(bundle),
        "EMAIL_PRIVACY_LOCAL_ORG_URL": base_url(org),
        "EMAIL_PRIVACY_LOCAL_ORG_STATE": str(org.root),
    }


def write_env_file(path: Path, env: dict[str, str]) -> None:
    """Shell export lines, owner-only (they hold the refresh token); atomic so readers never see half."""
    from localorg.files import write_atomic

    text = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
    write_atomic(path, text.encode("utf-8"), mode=0o600)


@click.group()
def org():
    """The local Salesforce org (HTTPS on 127.0.0.1) that flows and tests run against."""


@org.command()
@click.option(
    "--state",
    "state_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the org's state; a new one is seeded, an existing one is reused as it is.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port.")
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the export lines (default: STATE/env.sh).",
)
@click.option(
    "--person-accounts/--no-person-accounts", default=False, show_default=True, help="New org only: person accounts on."
)
@click.option(
    "--edition",
    default="Developer Edition",
    show_default=True,
    help="New org only: Organization.OrganizationType, e.g. 'Enterprise Edition', 'Team Edition'.",
)
@click.option(
    "--layouts-per-object",
    type=click.IntRange(0, 5000),
    default=0,
    show_default=True,
    help="New org only: extra layouts per Contact, Lead, Account (and PersonAccount).",
)
@click.option("--managed-layouts", is_flag=True, help="New org only: add managed-package and oddly named layouts.")
@click.option(
    "--without-customize-application", is_flag=True, help="New org only: the running user lacks Customize Application."
)
@click.option(
    "--dynamic-forms",
    is_flag=True,
    help="New org only: seed Lightning record pages built with Dynamic Forms (Contact, Lead, Account).",
)
@click.option("--no-lightning", is_flag=True, help="New org only: Lightning Experience off.")
@click.option("--sandbox", is_flag=True, help="New org only: Organization.IsSandbox true.")
@click.option(
    "--dev-hub",
    is_flag=True,
    help="New org only: a Dev Hub; the scratch orgs it creates live under STATE/scratch-orgs/ and are served too.",
)
@click.option(
    "--request-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append one JSON line per request to this file.",
)
@click.option(
    "--jwt-cert",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PEM certificate (or public key) of a connected app: JWT bearer assertions signed with its key are "
    "accepted. Kept in the org's state (replacing any earlier one).",
)
@click.option("--jwt-client-id", help="That connected app's client id (consumer key): the assertions' iss.")
@click.option("--fault", "faults", multiple=True, metavar="SPEC", help=f"{FAULT_FORMS} (repeatable).")
@click.option("--contacts", type=click.IntRange(0, 1_000_000), default=0, help="New org only: Contacts to seed.")
@click.option("--leads", type=click.IntRange(0, 1_000_000), default=0, help="New org only: Leads to seed.")
@click.option(
    "--person-accounts-count",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="New org only: person accounts to seed (needs --person-accounts).",
)
@click.option(
    "--trimmed-individual-pages",
    is_flag=True,
    help="New org only: the Individual layout (and, with --dynamic-forms, its record page) lack Don't Track and "
    "Don't Process, as in an org whose admin removed them.",
)
@click.option(
    "--api-requests-left",
    "api_requests_left",
    multiple=True,
    metavar="[USERNAME=]N",
    help="DailyApiRequests left at start: N for the org the server is started on, USERNAME=N for the served "
    "org (a Dev Hub's scratch org too) with that username (repeatable).",
)
@click.option(
    "--rep-users",
    type=click.IntRange(0, 10_000),
    default=0,
    help="New org only: active users on the Standard User profile to seed besides the running user.",
)
@click.option(
    "--rep-access",
    type=click.Choice(["none", "read", "edit"]),
    default="none",
    help="New org only: what the Standard User profile may do to Individual's Don't Track and Don't Process.",
)
@click.option(
    "--deploy-queue-polls",
    type=click.IntRange(0, 100),
    default=0,
    help="Each deploy waits queued (Pending) for N status polls before it runs, so it can be canceled.",
)
def serve(**options):
    """Serve a local org from STATE until interrupted."""
    try:
        _serve(**options)
    except OptionError as e:
        raise BadOption(str(e)) from None


class BadOption(click.ClickException):
    """A bad option value found after click parsed it: one line, exit 2 (as click's own usage errors)."""

    exit_code = 2


def _connected_app(jwt_cert, jwt_client_id):
    """The connected app the JWT options describe, or None; OptionError (one line) before anything is created."""
    from localorg.models.connected_app import ConnectedApp

    if not (jwt_cert or jwt_client_id):
        return None
    if not (jwt_cert and jwt_client_id):
        raise OptionError("--jwt-cert and --jwt-client-id: give both (the connected app's certificate and client id)")
    if not jwt_client_id.strip():
        raise OptionError("--jwt-client-id: must not be empty; give the connected app's consumer key")
    try:
        return ConnectedApp.from_pem(jwt_client_id, jwt_cert)
    except ValueError as e:
        raise OptionError(f"--jwt-cert: {e}") from None


def _leave_api_requests(orgs, specs) -> None:
    """Apply each --api-requests-left: every spec is checked first, so a bad one changes nothing."""
    plan = []
    for spec in specs:
        username, _, count = spec.rpartition("=")
        if not count.strip().isdigit():
            raise OptionError(f"--api-requests-left {spec!r}: give N or USERNAME=N, N a whole number of requests")
        org = orgs.primary
        if username:
            org = next((o for o in orgs.all() if o.identity.username.lower() == username.lower()), None)
            if org is None:
                raise OptionError(f"--api-requests-left {spec!r}: no org served here has the username {username!r}")
        if int(count) > org.api_usage.max:
            raise OptionError(f"--api-requests-left {spec!r}: at most {org.api_usage.max} (the org's Max)")
        plan.append((org, int(count)))
    for org, count in plan:
        org.api_usage.set_remaining(count)


def _serve(
    state_dir,
    port,
    env_file,
    person_accounts,
    edition,
    layouts_per_object,
    managed_layouts,
    dynamic_forms,
    without_customize_application,
    no_lightning,
    sandbox,
    dev_hub,
    request_log,
    jwt_cert,
    jwt_client_id,
    faults,
    contacts,
    leads,
    person_accounts_count,
    trimmed_individual_pages,
    rep_users,
    rep_access,
    deploy_queue_polls,
    api_requests_left=(),
):
    from localorg.faults import parse_faults
    from localorg.models.identity import OrgIdentity
    from localorg.models.org import LocalOrg, SeedOptions
    from localorg.models.orgs import OrgSet
    from localorg.requestlog import RequestLog
    from localorg.server import OrgServer
    from localorg.tls import ensure_certificate, server_context, write_ca_bundle
    from localorg.urls import ROUTES

    fault_state = parse_faults(faults)  # before anything is created: a bad spec changes nothing
    if not edition.strip():
        raise OptionError("--edition: must not be empty; e.g. 'Developer Edition', 'Enterprise Edition'")
    if person_accounts_count and not person_accounts:
        raise OptionError("--person-accounts-count: needs --person-accounts (an org without person accounts has none)")
    if state_dir.exists() and not state_dir.is_dir():
        raise OptionError(f"--state {state_dir}: exists and is not a folder")
    app = _connected_app(jwt_cert, jwt_client_id)
    identity = OrgIdentity(
        edition=edition.strip(),
        person_accounts=person_accounts,
        customize_application=not without_customize_application,
        lightning=not no_lightning,
        is_sandbox=sandbox,
        dev_hub=dev_hub,
        layouts_per_object=layouts_per_object,
        managed_layouts=managed_layouts,
        dynamic_forms=dynamic_forms,
        trimmed_individual_pages=trimmed_individual_pages,
    )
    local = LocalOrg(
        state_dir,
        identity,
        fault_state,
        SeedOptions(
            contacts=contacts,
            leads=leads,
            person_accounts_count=person_accounts_count,
            rep_users=rep_users,
            rep_access=rep_access,
        ),
    )
    local.settings.deploy_queue_polls = deploy_queue_polls
    orgs = OrgSet(local)
    _leave_api_requests(orgs, api_requests_left)
    cert, key = ensure_certificate(local.root / "tls")
    bundle = write_ca_bundle(cert, local.root / "tls" / "ca-bundle.pem")
    try:
        server = OrgServer(local, ROUTES, server_context(cert, key), port=port, request_log=RequestLog(request_log))
    except OSError as e:
        raise OptionError(f"--port {port}: cannot listen on 127.0.0.1:{port} ({e.strerror})") from e
    orgs.set_base_url(f"https://127.0.0.1:{server.port}")
    if app is not None:
        local.install_connected_app(app)
    env_path = env_file or local.root / "env.sh"
    write_env_file(env_path, env_lines(local, bundle))

    stop = threading.Event()

    def _stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    # shutdown() waits for the loop's next poll: a short one makes a stop quick (tests stop orgs by the dozen).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    click.echo(
        f"local org {local.identity.org_id} serving at {local.base_url} (state {local.root}); env file {env_path}",
        err=True,
    )
    sys.stderr.flush()
    stop.wait()
    server.shutdown()
    server.server_close()
    orgs.close()
    click.echo("local org stopped", err=True)
