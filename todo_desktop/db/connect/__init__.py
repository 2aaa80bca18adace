"""Reaching a server: URLs, the engine, TLS trust, time limits, retries and error mapping."""
