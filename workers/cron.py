"""rq cron configuration: sweep for lost projector triggers every two seconds."""

from rq import cron

from workers import context
from workers.jobs import sweep

cron.register(sweep, context.settings().queue_name, interval=2, result_ttl=0, job_timeout=30)
