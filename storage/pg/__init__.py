"""The PostgreSQL engine: the same Store, for several workers on one database.

Chosen by CALLSHIELD_DATABASE=postgresql://… (storage/opening.py dispatches to
storage/pg/opening.py); asyncpg talks to the server. storage/pg/store.py says what differs
from SQLite and why. Nothing is imported here, so the shared modules can use
storage/pg/dialect.py without importing the engine.
"""
