"""Who opened a link: people count as impressions; bots, previews and HEAD requests do not."""

from __future__ import annotations

import re
from functools import cache

from crawlerdetect import CrawlerDetect

# crawlerdetect 0.4.2 knows Google-PageRenderer only by the snippet URL in its usual agent, and
# GoogleImageProxy only as "via ggpht.com GoogleImageProxy"; these catch the bare names as well.
# Drop an entry once crawlerdetect flags it alone (tests/unit/test_links_visitors.py will say so).
SUPPLEMENT = re.compile(r"Google-PageRenderer|GoogleImageProxy", re.IGNORECASE)


@cache
def _detector() -> CrawlerDetect:
    # One shared detector: its per-agent answer cache is what makes repeated agents cheap.
    return CrawlerDetect()


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent is a crawler or link-preview fetcher; an empty one counts as a bot."""
    agent = user_agent.strip()
    return not agent or bool(SUPPLEMENT.search(agent)) or _detector().is_crawler(agent)


def is_person(method: str, user_agent: str) -> bool:
    """Whether a request to a link is a person opening it: a GET from an agent that is no bot."""
    return method == "GET" and not is_bot(user_agent)
