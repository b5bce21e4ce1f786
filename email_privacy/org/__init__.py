"""The org client, the one read of the org, and the lost-update guard."""
