"""L4 report: figures drawn from tidy frames only."""
