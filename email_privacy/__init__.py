"""EmailPrivacy: make a Salesforce org honour each person's email-tracking preferences."""

__version__ = "0.1.0"

MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "63.0"
