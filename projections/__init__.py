"""The read side: what we count from the event log, and how it is shown."""
