"""Salesforce documents and names: pure functions over lxml trees and describes."""
