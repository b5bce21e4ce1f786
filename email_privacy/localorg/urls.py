"""The local org's routes: (method, path regex, handler) from each API side."""

from . import bulk, rest, soap

ROUTES = [*rest.ROUTES, *soap.ROUTES, *bulk.ROUTES]
