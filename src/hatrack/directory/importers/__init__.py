"""Parsers for outside formats: each streams its files and yields typed rows and row errors.

An importer never writes: the matching service in `directory.imports.service` applies
what it produces, in one transaction, with one audit entry per batch.
"""
