"""One module per pipeline stage: pure decisions, a handler, and a thin Faust agent."""
