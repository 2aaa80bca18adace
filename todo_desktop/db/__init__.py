"""Data access: engine, tables, repositories, auth, migrations, embedded server. No Qt."""
