"""The `email-privacy` command: expected failures print one line and exit non-zero (2 for bad arguments)."""

import importlib
import sys
from pathlib import Path

import click

from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata.documents import API_VERSION
from email_privacy.metadata.settings import by_type
from email_privacy.options.settings import SettingsOptions, desired_settings
from email_privacy.options.values import parse_api_version
from email_privacy.steps.settings import FORMATS, settings_files, write_files


class LazyGroup(click.Group):
    """Subcommands imported only when used, so `email-privacy settings` does not load the local org's server."""

    lazy = {
        "layouts": "email_privacy.cli.layouts:layouts",
        "pages": "email_privacy.cli.pages:pages",
        "org": "localorg.cli:org",
    }

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="email-privacy")
def cli():
    """Make a Salesforce org honour each person's email-tracking preferences."""


@cli.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="mdapi",
    show_default=True,
    help="mdapi: settings/X.settings plus package.xml; source: settings/X.settings-meta.xml.",
)
@click.option(
    "--enhanced-email/--no-enhanced-email",
    default=True,
    show_default=True,
    help="Turn on Enhanced Email (Lightning Experience orgs need it); --no-enhanced-email leaves it as it is.",
)
@click.option("--no-email-tracking", is_flag=True, help="Leave Activity Settings' Enable Email Tracking as it is.")
@click.option("--api-version", default=API_VERSION, show_default=True, help="API version written in package.xml.")
def settings(outdir: Path, fmt: str, enhanced_email: bool, no_email_tracking: bool, api_version: str):
    """Write the settings files that turn on individual email-tracking preferences into OUTDIR."""
    opts = SettingsOptions(enhanced_email="true" if enhanced_email else "false", email_tracking=not no_email_tracking)
    files = settings_files(
        by_type(desired_settings(opts)), fmt, parse_api_version("--api-version", api_version, API_VERSION)
    )
    for path in write_files(outdir, files):
        click.echo(f"wrote {path}")


def main(argv=None) -> int:
    """Entry point: run the CLI, turning expected failures into one line on stderr."""
    try:
        # Without standalone mode click returns (not raises) the code a command passes to ctx.exit.
        rv = cli.main(args=argv, prog_name="email-privacy", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.UsageError as e:
        click.echo(f"email-privacy: error: {e.format_message()}", err=True)
        return 2
    except click.Abort:
        click.echo("email-privacy: aborted", err=True)
        return 1
    except click.ClickException as e:
        click.echo(f"email-privacy: error: {e.format_message()}", err=True)
        return e.exit_code
    except OptionError as e:  # a bad argument value, found after click parsed it
        click.echo(f"email-privacy: error: {e}", err=True)
        return 2
    except EmailPrivacyError as e:
        click.echo(f"email-privacy: error: {e}", err=True)
        return 1
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
