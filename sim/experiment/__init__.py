"""L4 experiment: one run, replicates on executors, the run folder, the notebook API."""
