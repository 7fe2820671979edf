"""L0 core: errors, random streams, validated parameters."""
