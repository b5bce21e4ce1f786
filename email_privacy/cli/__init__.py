"""The `email-privacy` command (click, subcommands imported when used) and the demo."""
