"""`make bench`: throughput and latency measured side by side with a baseline from the same run."""
