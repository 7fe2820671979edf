"""L3 scenario: TOML files → validated, resolved variants → wired ecosystems."""
