"""`email-privacy layouts`: add the Individual field to the layouts in a source tree, offline."""

import click


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=str))
def layouts(path):
    """Add the Individual field to every Contact, Lead and PersonAccount layout under PATH (work in progress)."""
    raise click.UsageError("email-privacy layouts is not finished yet")
