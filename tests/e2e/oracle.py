"""An independent model of what the v1 stats must say about a sequence of posted events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

CHANNELS = ["email", "whatsapp", "sms", "other"]
COUNTED = {"sent": "sent", "impression": "impressions", "response": "responses"}


@dataclass
class Oracle:
    """Replays posts in order with the documented dedup rules; answers v1 payloads."""

    zones: dict[str, str]
    ids: set[tuple[str, str]] = field(default_factory=set)
    marks: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    rows: list[tuple[str, str, str | None, str | None, str, str, int | None]] = field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0

    def post(self, tenant: str, event: dict[str, Any]) -> None:
        """Apply one posted event."""
        if (tenant, event["id"]) in self.ids:
            self.duplicates += 1
            return
        self.ids.add((tenant, event["id"]))
        marks = self.marks[(tenant, event["request_id"])]
        kind, ch = event["type"], event["channel"]
        mark = "response" if kind == "response" else f"{kind}:{ch}"
        blocked = {"delivered": [f"read:{ch}", f"failed:{ch}"], "failed": [f"delivered:{ch}", f"read:{ch}"]}
        if mark in marks or any(b in marks for b in blocked.get(kind, [])):
            self.duplicates += 1
            return
        marks.add(mark)
        if kind == "read" and f"failed:{ch}" not in marks:
            marks.add(f"delivered:{ch}")
        self.accepted += 1
        day = datetime.fromisoformat(event["occurred_at"]).astimezone(ZoneInfo(self.zones[tenant])).date().isoformat()
        self.rows.append((tenant, day, event.get("location"), event.get("campaign"), kind, ch, event.get("rating")))

    def payload(self, tenant: str, day: str | None = None, location: str | None = None,
                campaign: str | None = None) -> dict[str, Any]:
        """The v1 object for one day (or lifetime when day is None)."""
        out: dict[str, Any] = {f"{c}_{ch}": 0 for c in COUNTED.values() for ch in CHANNELS + ["total"]}
        ratings = []
        for t, d, loc, cmp, kind, ch, rating in self.rows:
            if t != tenant or (day and d != day) or (location and loc != location) or (campaign and cmp != campaign):
                continue
            if kind in COUNTED:
                out[f"{COUNTED[kind]}_{ch}"] += 1
                out[f"{COUNTED[kind]}_total"] += 1
            if rating is not None:
                ratings.append(rating)
        from decimal import ROUND_HALF_UP, Decimal
        out["avgRating"] = (float((Decimal(sum(ratings)) / Decimal(len(ratings))).quantize(Decimal("0.01"), ROUND_HALF_UP))
                            if ratings else None)
        return out
