"""L2 components: worlds, ML systems, monitors; ``registry`` maps a ``kind`` to its class."""
