"""EmailPrivacy: make a Salesforce org honour each person's email-tracking preferences."""

__version__ = "0.1.0"
