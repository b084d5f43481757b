"""RQ entry points: project partitions, trigger projectors, sweep for lost triggers."""
