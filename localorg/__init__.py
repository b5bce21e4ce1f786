"""A local stand-in for a Salesforce org, served over HTTPS on 127.0.0.1.

Split as moto splits a service: state (org identity, metadata store, records), wire format
(SOAP and REST replies), and routing (urls.py). Started with `email-privacy org serve`.
"""
