"""What lives on this computer: folders, connection profiles, the secret store and log files."""
