"""A WordPress REST API client's session against a tidings site, with `requests` (PyPI),
as WordPress documents the API: discovery, lists with their totals and filters, `_embed`
and `_fields`, a post written, changed and deleted with an application password, comments
read and posted anonymously, an image uploaded.

Usage: rest_client.py BASE_URL USERNAME APPLICATION_PASSWORD
Prints what it checked; exits 1 with the reason at the first thing that is not as
WordPress clients expect.
"""

import struct
import sys
import zlib

import requests

base, username, password = sys.argv[1], sys.argv[2], sys.argv[3]
api = base + "/wp-json/wp/v2"
auth = (username, password)


def check(condition, what):
    if not condition:
        print("FAILED:", what, file=sys.stderr)
        sys.exit(1)
    print("ok:", what)


def png(width, height):
    """A small valid PNG, made here so the test needs no file."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# Discovery: from any page's Link header, then the index.
home = requests.get(base + "/")
link = home.headers.get("Link", "")
check('rel="https://api.w.org/"' in link and "/wp-json/" in link, "pages link to the API: " + link)
index = requests.get(base + "/wp-json/").json()
check("wp/v2" in index["namespaces"], "the index names wp/v2")
check("/wp/v2/posts" in index["routes"], "the index lists the posts route")

# Lists: totals, pages, Link, filters, orders.
first = requests.get(api + "/posts", params={"per_page": 2})
check(first.status_code == 200, "posts are listed")
total = int(first.headers["X-WP-Total"])
pages = int(first.headers["X-WP-TotalPages"])
check(total >= 3 and pages == (total + 1) // 2, "X-WP-Total %d, X-WP-TotalPages %d" % (total, pages))
check('rel="next"' in first.headers.get("Link", ""), "the first page links to the next")
posts = first.json()
check(len(posts) == 2, "per_page is kept")
for field in ("id", "date", "date_gmt", "guid", "modified", "slug", "status", "type", "link",
              "title", "content", "excerpt", "author", "featured_media", "comment_status",
              "ping_status", "sticky", "format", "categories", "tags", "_links"):
    check(field in posts[0], "a post has WordPress's field " + field)
check(posts[0]["status"] == "publish" and posts[0]["type"] == "post", "status and type as WordPress names them")
check(isinstance(posts[0]["title"]["rendered"], str), "title.rendered")
second = requests.get(api + "/posts", params={"per_page": 2, "page": 2}).json()
check(not {p["id"] for p in posts} & {p["id"] for p in second}, "page 2 follows page 1")
beyond = requests.get(api + "/posts", params={"per_page": 2, "page": pages + 1})
check(beyond.status_code == 400 and beyond.json()["code"] == "rest_post_invalid_page_number",
      "a page past the end is WordPress's error")

by_title = requests.get(api + "/posts", params={"orderby": "title", "order": "asc", "per_page": 100}).json()
titles = [p["title"]["rendered"].lower() for p in by_title]
check(titles == sorted(titles), "orderby=title&order=asc")
found = requests.get(api + "/posts", params={"search": "lighthouse"}).json()
check(len(found) == 1 and "Lighthouse" in found[0]["title"]["rendered"], "search finds words in the body")
categories = requests.get(base + "/wp-json/wp/v2/categories").json()
check(len(categories) >= 1 and categories[0]["taxonomy"] == "category", "categories are listed")
tags = requests.get(base + "/wp-json/wp/v2/tags", params={"search": "harbour"}).json()
check(len(tags) == 1 and tags[0]["taxonomy"] == "post_tag", "tags are found by name")
tagged = requests.get(api + "/posts", params={"tags": tags[0]["id"]}).json()
check(len(tagged) == tags[0]["count"] >= 1, "tags= filters posts")
check(all(tags[0]["id"] in p["tags"] for p in tagged), "every post listed carries the tag")

# _embed and _fields.
embedded = requests.get(api + "/posts/%d" % tagged[0]["id"], params={"_embed": "1"}).json()
check(embedded["_embedded"]["author"][0]["name"], "_embed brings the author")
terms = embedded["_embedded"]["wp:term"]
check(any(t["id"] == tags[0]["id"] for t in terms[1]), "_embed brings the tags")
slim = requests.get(api + "/posts", params={"_fields": "id,title.rendered", "per_page": 1}).json()
check(set(slim[0]) == {"id", "title"} and set(slim[0]["title"]) == {"rendered"}, "_fields trims")

# Writing needs an application password.
refused = requests.post(api + "/posts", json={"title": "Nope"})
check(refused.status_code == 401 and refused.json()["code"] == "rest_cannot_create", "anonymous writes are refused")
wrong = requests.post(api + "/posts", json={"title": "Nope"}, auth=(username, "aaaa bbbb cccc dddd eeee ffff"))
check(wrong.status_code == 401, "a wrong application password is refused")
created = requests.post(api + "/posts", auth=auth, json={
    "title": "Filed from a WordPress client",
    "content": "<p>First paragraph.</p>\n<p>Second, with <strong>bold</strong>.</p>",
    "status": "publish",
    "categories": [categories[0]["id"]],
    "tags": [tags[0]["id"]],
})
check(created.status_code == 201, "a post is created: %s" % created.text[:300])
post = created.json()
check(created.headers["Location"].endswith("/wp/v2/posts/%d" % post["id"]), "Location names it")
check(post["status"] == "publish" and "<strong>bold</strong>" in post["content"]["rendered"], "its HTML content is kept")
check(tags[0]["id"] in post["tags"], "its tags are kept")
page = requests.get(post["link"])
check(page.status_code == 200 and "Second, with <strong>bold</strong>." in page.text, "it is on the site at its link")
updated = requests.post(api + "/posts/%d" % post["id"], auth=auth, json={"title": "Filed, then corrected"})
check(updated.status_code == 200 and updated.json()["title"]["rendered"] == "Filed, then corrected", "it is updated")
check(tags[0]["id"] in updated.json()["tags"], "an update keeps what it does not name")
edit = requests.get(api + "/posts/%d" % post["id"], auth=auth, params={"context": "edit"}).json()
check(edit["title"]["raw"] == "Filed, then corrected", "context=edit gives the raw title")
deleted = requests.delete(api + "/posts/%d" % post["id"], auth=auth)
check(deleted.status_code == 200 and deleted.json()["status"] == "trash", "a delete moves it to the trash")
gone = requests.get(api + "/posts/%d" % post["id"])
check(gone.status_code == 404 and gone.json()["code"] == "rest_post_invalid_id", "then it is gone for readers")

# Comments: listed, and posted by an anonymous reader.
article = tagged[0]
listed = requests.get(base + "/wp-json/wp/v2/comments", params={"post": article["id"]})
check(listed.status_code == 200 and "X-WP-Total" in listed.headers, "comments are listed")
before = int(listed.headers["X-WP-Total"])
for comment in listed.json():
    check("author_email" not in comment, "a comment's email is never public")
posted = requests.post(base + "/wp-json/wp/v2/comments", json={
    "post": article["id"],
    "author_name": "Rita Reader",
    "author_email": "rita@example.com",
    "content": "Posted through the REST API, as a reader.",
})
check(posted.status_code == 201, "an anonymous comment is created: %s" % posted.text[:300])
comment = posted.json()
check(comment["status"] in ("approved", "hold") and comment["post"] == article["id"], "its status is WordPress's")
empty = requests.post(base + "/wp-json/wp/v2/comments", json={
    "post": article["id"], "author_name": "Rita", "author_email": "rita@example.com", "content": ""})
check(empty.status_code == 400 and empty.json()["code"] == "rest_comment_content_invalid", "an empty comment is WordPress's error")
nowhere = requests.post(base + "/wp-json/wp/v2/comments", json={"content": "Hello"})
check(nowhere.status_code == 403 and nowhere.json()["code"] == "rest_comment_invalid_post_id", "a comment without a post is refused")
if comment["status"] == "approved":
    after = requests.get(base + "/wp-json/wp/v2/comments", params={"post": article["id"]})
    check(int(after.headers["X-WP-Total"]) == before + 1, "the approved comment is listed")

# Media: an upload with the application password, then read back.
image = png(64, 48)
uploaded = requests.post(api + "/media", auth=auth, data=image, headers={
    "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="chart.png"'})
check(uploaded.status_code == 201, "an image is uploaded: %s" % uploaded.text[:300])
media = uploaded.json()
check(media["media_type"] == "image" and media["media_details"]["width"] == 64, "its details are WordPress's")
check(requests.get(media["source_url"]).status_code == 200, "its file is served")
check(requests.get(api + "/media/%d" % media["id"]).json()["id"] == media["id"], "it is read back")
me = requests.get(api + "/users/me", auth=auth, params={"context": "edit"}).json()
check(me["email"] == username, "users/me is the account signed in")
users = requests.get(api + "/users").json()
check(all("email" not in user for user in users), "users are public profiles only")
print("done")
