"""A projector process for crash tests: drains one partition in small batches until killed."""

import sys

from redis import Redis

from eventlog.keys import Keys
from workers.project import drain

if __name__ == "__main__":
    url, prefix, partitions, partition = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    client, keys = Redis.from_url(url), Keys(prefix, partitions)
    print("ready", flush=True)
    while not drain(client, keys, partition, batch=23, budget_s=60).caught_up:
        pass
