"""L1 engine: the SimPy environment, components and their lifecycle, signals, the recorder."""
