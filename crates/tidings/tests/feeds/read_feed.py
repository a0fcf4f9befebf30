"""Reads a feed from standard input with feedparser, the feed library most readers and
aggregators in Python use, and prints what it understood as JSON for the Rust tests."""

import json
import sys

import feedparser

parsed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(parsed.bozo),
    "bozo_exception": str(parsed.get("bozo_exception", "")),
    "version": parsed.version,
    "title": parsed.feed.get("title"),
    "link": parsed.feed.get("link"),
    "entries": [
        {
            "title": entry.get("title"),
            "link": entry.get("link"),
            "id": entry.get("id"),
            "published": entry.get("published"),
            "published_parsed": list(entry.published_parsed[:6]) if entry.get("published_parsed") else None,
            "updated": entry.get("updated"),
            "author": entry.get("author"),
            "tags": [tag.get("term") if parsed.version.startswith("rss") else tag.get("label") for tag in entry.get("tags", [])],
            "summary": entry.get("summary"),
            "content": [content.get("value") for content in entry.get("content", [])],
        }
        for entry in parsed.entries
    ],
}))
