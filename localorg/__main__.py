"""`python -m localorg serve ...`: the local org's command line (the same as `email-privacy org serve`)."""

from localorg.cli import org

if __name__ == "__main__":
    org(prog_name="localorg")
