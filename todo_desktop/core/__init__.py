"""Plain values, errors, input rules, smart lists and the service ports: no I/O, no Qt, no SQL."""
