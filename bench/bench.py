#!/usr/bin/env python3
"""The benchmark driver behind bench/run: generates sites, starts tidings and nginx on
127.0.0.1, measures them with wrk in the same run, and prints a table of figures.

Everything it starts is on loopback and stops when it ends. Settings (environment):
BENCH_SECONDS (10) per measurement, BENCH_CONNECTIONS (32), BENCH_LARGE_ARTICLES (100000),
BENCH_LARGE_COMMENTS (1000000).
"""

import json
import os
import pathlib
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
# TIDINGS_BIN compares another build (an older commit, say) under the same conditions.
BINARY = pathlib.Path(os.environ.get("TIDINGS_BIN", ROOT / "target" / "release" / "tidings"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
LARGE_ARTICLES = int(os.environ.get("BENCH_LARGE_ARTICLES", "100000"))
LARGE_COMMENTS = int(os.environ.get("BENCH_LARGE_COMMENTS", "1000000"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

BODY = "\n\n".join(
    "Paragraph {n} of the story. The council met on Tuesday to discuss the bridge, the "
    "budget and the bus lanes; residents filled the gallery and several spoke. *Emphasis*, "
    "**strong words** and a [link](https://example.com/) keep the renderer honest.".format(n=n)
    for n in range(1, 9)
)


# Words for the large site's varied text, so search meets a realistic vocabulary: 4,000
# made-up words used with Zipf's frequencies (a few everywhere, most rare).
SYLLABLES = ["ka", "lo", "mi", "ser", "tun", "vel", "dra", "pe", "nor", "qui", "bas", "fen",
             "gor", "hal", "jin", "ru"]
VOCABULARY = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES][:4000]
ZIPF = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]


def varied_words(chooser, count):
    return " ".join(chooser.choices(VOCABULARY, weights=ZIPF, k=count))


def log(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(data, articles, target_comments, other_comments=0, target_slug="target-article"):
    """A site of `articles` articles; the newest, `target_slug`, has `target_comments`
    threaded approved comments, and `other_comments` more are spread over the rest."""
    subprocess.run([BINARY, "--data", data, "migrate"], check=True, capture_output=True)
    database = sqlite3.connect(data / "tidings.db")
    now = int(time.time()) - 60
    words = random.Random(11)
    rows = (
        (
            number,
            target_slug if number == articles else f"article-{number}",
            "The target article" if number == articles
            else f"Article number {number}: {varied_words(words, 3)}",
            BODY if number == articles else BODY + "\n\n" + varied_words(words, 60) + ".",
            "published",
            now - (articles - number) * 600,
            now,
            None,
            1,
        )
        for number in range(1, articles + 1)
    )
    database.executemany(
        "INSERT INTO articles (id, slug, title, body_markdown, status, published_at, updated_at, author_id, comments_open)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    chooser = random.Random(7)
    depth = {}
    comment_rows = []
    for number in range(1, target_comments + 1):
        # Replies to recent comments, up to four deep, like a lively thread.
        candidates = [c for c in range(max(1, number - 12), number) if depth[c] < 4]
        parent = chooser.choice(candidates) if candidates and chooser.random() < 0.5 else None
        depth[number] = 1 if parent is None else depth[parent] + 1
        comment_rows.append((number, articles, parent, f"Reader {number}", f"reader{number}@example.com", "",
                             f"Comment {number}: a fair point about the bridge, and https://example.com/{number} for more.",
                             now - (target_comments - number) * 30))
    next_id = target_comments + 1
    for number in range(other_comments):
        comment_rows.append((next_id + number, 1 + number % max(1, articles - 1), None, f"Reader {number}",
                             f"reader{number}@example.com", "", f"Comment {number} on an older story.", now - number))
    database.executemany(
        "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, author_url, content, status,"
        " status_before, moderation_reason, ip, user_agent, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'approved', NULL, '', '127.0.0.1', 'bench', ?)",
        comment_rows,
    )
    # No welcome article; no flood control or hourly limits, so every distinct comment is
    # taken. wrk runs no script, so there is no proof of work: the comments are held for
    # moderation, which is the same write (the spam filter's lookup included). The
    # generated comments are older than the IP retention time; anonymising a million of
    # them is a one-time catch-up in the background, not what is measured here, so
    # housekeeping has nothing to do.
    database.execute("INSERT INTO settings (name, value) VALUES ('welcomed_at', 'bench')")
    database.execute(
        "INSERT INTO settings (name, value) VALUES ('discussion', ?)",
        (json.dumps({
            "flood_interval_seconds": 0,
            "max_comments_per_ip_per_hour": 0,
            "max_comments_per_email_per_hour": 0,
            "keep_ip_days": 0,
            "purge_spam_after_days": 0,
        }),),
    )
    database.commit()
    database.close()
    # Render and store the comments' HTML, as posting through the site does.
    subprocess.run([BINARY, "--data", data, "migrate"], check=True, capture_output=True)
    return articles


def start_tidings(data, config=""):
    (data / "tidings.toml").write_text(config)
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [BINARY, "--data", data, "serve", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"},
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=1) as response:
                response.read()
                break
        except OSError:
            if process.poll() is not None:
                raise SystemExit("tidings exited during start-up")
            time.sleep(0.002)
    startup_ms = (time.perf_counter() - started) * 1000
    return process, url, startup_ms


def resident_megabytes(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, connections=CONNECTIONS, threads=2, seconds=SECONDS, script=None, environment=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            env={**os.environ, **(environment or {})}).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1)),
        "errors": 0,
        "output": output,
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        result["errors"] += int(bad.group(1))
    acked = re.search(r"ACKED (\d+) REFUSED (\d+)", output)
    if acked:
        result["acked"], result["refused"] = int(acked.group(1)), int(acked.group(2))
    return result


def start_nginx(work, page):
    static = work / "static"
    static.mkdir()
    (static / "article.html").write_bytes(page)
    os.chmod(work, 0o755)
    os.chmod(static, 0o755)
    port = free_port()
    config = work / "nginx.conf"
    config.write_text(f"""
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        root {static};
        default_type text/html;
        location / {{ try_files /article.html =404; }}
    }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(500):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.01)
    raise SystemExit("nginx did not start; see " + str(work / "nginx-error.log"))


def search_queries():
    """Queries as readers type them: one word (common to rare), two words, a prefix, a
    phrase from the shared paragraph, and a word no article has."""
    chooser = random.Random(5)
    queries = []
    for rank in (5, 20, 80, 300, 1000, 2500):
        queries.append(VOCABULARY[rank])
    for _ in range(6):
        queries.append(" ".join(chooser.choices(VOCABULARY[:400], k=2)))
    queries.append(VOCABULARY[40][:5])
    queries.append('"bus lanes"')
    queries.append("zeppelin")
    return queries


def like_search(database, query, now):
    """WordPress's search (WP_Query with `s`): each word LIKE '%word%' in the title, the
    excerpt or the content, ordered by where the whole query appears, then newest first."""
    words = [word.strip('"') for word in query.split()] if not query.startswith('"') else [query.strip('"')]
    conditions, values = [], []
    for word in words:
        like = f"%{word}%"
        conditions.append("(title LIKE ? OR excerpt LIKE ? OR body_markdown LIKE ?)")
        values += [like, like, like]
    whole = f"%{query.strip(chr(34))}%"
    sql = (
        "SELECT id, title FROM articles WHERE " + " AND ".join(conditions)
        + " AND kind = 'article' AND status = 'published' AND published_at <= ?"
        " ORDER BY CASE WHEN title LIKE ? THEN 1 WHEN excerpt LIKE ? THEN 4"
        " WHEN body_markdown LIKE ? THEN 5 ELSE 6 END, published_at DESC LIMIT 10"
    )
    return database.execute(sql, values + [now, whole, whole, whole]).fetchall()


def like_latency(path, queries, seconds):
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    now = int(time.time())
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for query in queries:
            started = time.perf_counter()
            like_search(database, query, now)
            times.append((time.perf_counter() - started) * 1000)
    database.close()
    times.sort()
    return {
        "rps": len(times) / seconds,
        "p50": times[len(times) // 2],
        "p99": times[min(len(times) - 1, len(times) * 99 // 100)],
    }


def row(name, result, note=""):
    return f"| {name} | {result['rps']:,.0f} | {result['p50']:.2f} | {result['p99']:.2f} | {note} |"


def image_upload():
    """A 12-megapixel JPEG accepted as an upload is: its time and the process's peak memory."""
    log("image upload: a 12-megapixel JPEG decoded, turned upright, resized and re-encoded")
    run = lambda *args: subprocess.run(
        ["cargo", "run", "--release", "--locked", "-q", "-p", "tidings", "--example", "image_upload", "--", *args],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as work:
        photo = os.path.join(work, "photo.jpg")
        run("write", photo)
        measured = run("measure", photo)
    found = re.search(r"UPLOAD median (\d+) ms, decoding alone (\d+) ms, peak (\d+) MB .*?, ([\d.]+) MB file, variants: (.*)", measured)
    upload_ms, decode_ms = int(found.group(1)), int(found.group(2))
    return (f"- image upload: a 12-megapixel JPEG ({found.group(4)} MB) accepted with its variants "
            f"({found.group(5)}) in {upload_ms} ms, {upload_ms / decode_ms:.1f} × the time to decode it alone "
            f"({decode_ms} ms); peak memory of the process {found.group(3)} MB")


def multipart(fields, file_field, file_name, file_bytes, content_type):
    boundary = "tidings-bench-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode() + file_bytes + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def lighthouse_audit(work):
    """Lighthouse (npm, against Debian's chromium; mobile, its default) on an article with
    50 threaded comments and a featured image uploaded as an editor would: its four scores
    and the page's transfer size."""
    log("Lighthouse on an article with 50 comments and a featured image")
    bench = ROOT / "bench"
    if not (bench / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=bench, check=True)
    site = work / "lighthouse"
    site.mkdir()
    generate(site, 20, 50)
    subprocess.run([BINARY, "--data", site, "user", "add", "--email", "olive@bench.example", "--name", "Olive",
                    "--password-stdin"], input="a long enough password\n", text=True,
                   check=True, capture_output=True)
    photo = work / "photo.jpg"
    subprocess.run(["cargo", "run", "--release", "--locked", "-q", "-p", "tidings", "--example", "image_upload",
                    "--", "write", str(photo)], cwd=ROOT, check=True, capture_output=True)
    tidings, url, _ = start_tidings(site)
    try:
        import http.cookiejar
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = urllib.parse.urlencode({"email": "olive@bench.example", "password": "a long enough password",
                                        "next": "/admin/"}).encode()
        opener.open(url + "/admin/login", data=login).read()
        library = opener.open(url + "/admin/media").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', library).group(1)
        body, content_type = multipart({"csrf": csrf, "alt": "The harbour at dawn"}, "file", "photo.jpg",
                                       photo.read_bytes(), "image/jpeg")
        request = urllib.request.Request(url + "/admin/media", data=body, headers={
            "Content-Type": content_type, "Accept": "application/json"})
        uploaded = json.loads(opener.open(request).read())
    finally:
        tidings.terminate()
        tidings.wait()
    database = sqlite3.connect(site / "tidings.db")
    database.execute("UPDATE articles SET featured_image = ?, featured_image_alt = ? WHERE slug = 'target-article'",
                     (uploaded["address"], uploaded["alt"]))
    database.commit()
    database.close()
    tidings, url, _ = start_tidings(site)
    try:
        with urllib.request.urlopen(url + "/") as front:
            path = re.search(r'href="(/\d{4}/\d{2}/target-article/)"', front.read().decode()).group(1)
        report = subprocess.run(
            [bench / "node_modules" / ".bin" / "lighthouse", url + path, "--output=json", "--output-path=stdout",
             "--quiet", "--only-categories=performance,accessibility,best-practices,seo",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            capture_output=True, text=True, check=True,
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")}).stdout
    finally:
        tidings.terminate()
        tidings.wait()
    result = json.loads(report)
    scores = {name: round(category["score"] * 100) for name, category in result["categories"].items()}
    failing = [f"{audit['id']} ({audit.get('score')})" for audit in result["audits"].values()
               if audit.get("score") is not None and audit["score"] < 1
               and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    weight = result["audits"]["total-byte-weight"]["numericValue"] / 1024
    line = (f"- Lighthouse {result['lighthouseVersion']} (mobile) on an article with 50 comments and a "
            f"featured image: performance {scores['performance']}, accessibility {scores['accessibility']}, "
            f"best practices {scores['best-practices']}, SEO {scores['seo']}; {weight:.0f} KB transferred")
    if failing:
        line += "; below full marks: " + ", ".join(failing[:12])
    return line


def write_wxr(path, articles, comments_per_article):
    """A WordPress export of `articles` posts with `comments_per_article` comments each
    (every third a reply), classic content of about 7 KB, written as a stream."""
    paragraph = ("The council met on Tuesday to discuss the bridge, the budget and the bus lanes; "
                 "residents filled the gallery & several spoke. ") * 5
    body = "\n\n".join(f"Paragraph {n}. {paragraph}" for n in range(1, 7))
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
                  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
                  '<title>Bench</title><link>https://old.example</link>'
                  '<wp:wxr_version>1.2</wp:wxr_version>'
                  '<wp:base_blog_url>https://old.example</wp:base_blog_url>\n'
                  '<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login>'
                  '<wp:author_email><![CDATA[editor@old.example]]></wp:author_email>'
                  '<wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name></wp:author>\n'
                  '<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>news</wp:category_nicename>'
                  '<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>\n')
        comment_id = 0
        for number in range(1, articles + 1):
            day = 1 + number % 28
            date = f"2019-{1 + number % 12:02d}-{day:02d} 10:{number % 60:02d}:00"
            out.write(f"<item><title><![CDATA[Story number {number}]]></title>"
                      f"<link>https://old.example/2019/{1 + number % 12:02d}/{day:02d}/story-{number}/</link>"
                      f"<dc:creator><![CDATA[editor]]></dc:creator>"
                      f'<guid isPermaLink="false">https://old.example/?p={number}</guid>'
                      f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                      f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                      f"<wp:post_id>{number}</wp:post_id><wp:post_date>{date}</wp:post_date>"
                      f"<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>"
                      f"<wp:post_name>story-{number}</wp:post_name><wp:status>publish</wp:status>"
                      f"<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
                      f'<category domain="category" nicename="news"><![CDATA[News]]></category>\n')
            first = comment_id + 1
            for index in range(comments_per_article):
                comment_id += 1
                parent = first if index % 3 == 2 else 0
                out.write(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                          f"<wp:comment_author><![CDATA[Reader {comment_id % 997}]]></wp:comment_author>"
                          f"<wp:comment_author_email>reader{comment_id % 997}@example.com</wp:comment_author_email>"
                          f"<wp:comment_author_url></wp:comment_author_url>"
                          f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
                          f"<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
                          f"<wp:comment_content><![CDATA[Comment {comment_id}: a fair point about the bridge, "
                          f"and the budget too; thanks for the reporting.]]></wp:comment_content>"
                          f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>"
                          f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
                          f"</wp:comment>\n")
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def timed(command):
    """Runs a command under GNU time: (seconds, peak resident MB)."""
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + [str(part) for part in command],
                            capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024


def migration_benchmark(work):
    """Imports a 100 MB and a 1 GB WordPress export, then exports the large site."""
    lines = []
    sizes = [(10_000, "about 100 MB"), (LARGE_ARTICLES, "about 1 GB")]
    exported = None
    for articles, label in sizes:
        comments_each = max(1, LARGE_COMMENTS // LARGE_ARTICLES)
        export = work / f"wordpress-{articles}.xml"
        log(f"writing a WordPress export of {articles:,} articles and {articles * comments_each:,} comments ({label})")
        write_wxr(export, articles, comments_each)
        megabytes = export.stat().st_size / 1e6
        site = work / f"imported-{articles}"
        site.mkdir()
        log(f"importing it ({megabytes:,.0f} MB)")
        seconds, peak = timed([BINARY, "--data", site, "import", "wxr", export])
        items = articles * (1 + comments_each)
        lines.append(f"| import, {megabytes:,.0f} MB ({articles:,} articles, {articles * comments_each:,} comments) "
                     f"| {megabytes / seconds:.1f} MB/s | {items / seconds:,.0f} items/s | {peak:.0f} MB | {seconds:.0f} s |")
        export.unlink()
        exported = site
    out = work / "exported.xml"
    log("exporting the large site")
    seconds, peak = timed([BINARY, "--data", exported, "export", "wxr", "--out", out])
    megabytes = out.stat().st_size / 1e6
    lines.append(f"| export, {megabytes:,.0f} MB | {megabytes / seconds:.1f} MB/s | "
                 f"{LARGE_ARTICLES * (1 + max(1, LARGE_COMMENTS // LARGE_ARTICLES)) / seconds:,.0f} items/s | {peak:.0f} MB | {seconds:.0f} s |")
    return "\n".join(["| WordPress export (WXR) | throughput | items | peak resident memory | time |",
                      "|---|---:|---:|---:|---:|"] + lines)


def api_benchmark(work):
    """An article and the list of ten through the JSON API and WordPress's REST API, each
    beside the same page's HTML, on the 1,000-article site."""
    log("API: an article and the list of 10, as HTML, /api/v1/ and /wp-json/wp/v2/")
    site = work / "api-site"
    site.mkdir()
    generate(site, 1000, 50)
    tidings, url, _ = start_tidings(site)
    try:
        article_path = "/" + time.strftime("%Y/%m/", time.gmtime(int(time.time()) - 60)) + "target-article/"
        with urllib.request.urlopen(url + article_path) as response:
            page = response.read()
        article_id = re.search(rb'name="comment_post_ID" value="(\d+)"', page).group(1).decode()
        with urllib.request.urlopen(f"{url}/api/v1/articles/{article_id}") as response:
            assert json.load(response)["slug"] == "target-article", "the API reads the article"
        with urllib.request.urlopen(f"{url}/wp-json/wp/v2/posts?per_page=10") as response:
            assert len(json.load(response)) == 10, "the REST API lists ten"
        measured = [
            ("article page, HTML", wrk(url + article_path), None),
            ("same article, /api/v1/articles/ID", wrk(f"{url}/api/v1/articles/{article_id}"), 0),
            ("same article, /wp-json/wp/v2/posts/ID", wrk(f"{url}/wp-json/wp/v2/posts/{article_id}"), 0),
            ("front page (10 articles), HTML", wrk(url + "/"), None),
            ("10 articles, /api/v1/articles?limit=10", wrk(f"{url}/api/v1/articles?limit=10"), 3),
            ("10 posts, /wp-json/wp/v2/posts?per_page=10", wrk(f"{url}/wp-json/wp/v2/posts?per_page=10"), 3),
        ]
    finally:
        tidings.terminate()
        tidings.wait()
    lines = ["| what | requests/s | p50 ms | p99 ms | note |", "|---|---:|---:|---:|---|"]
    for name, result, beside in measured:
        assert result["errors"] == 0, f"{name}: {result['errors']} errors"
        note = ""
        if beside is not None:
            html = measured[beside][1]
            note = f"{result['rps'] / html['rps']:.2f} × the HTML's requests/s, p99 {result['p99'] / html['p99']:.1f} × its p99"
        lines.append(row(name, result, note))
    return "\n".join(lines)


class Moderator:
    """The admin side of the soak: a moderator signed in over HTTP, who opens the
    dashboard and the queue and approves what waits, as fast as one person clicks."""

    def __init__(self, url, email, password):
        import http.cookiejar
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/admin/login", {"email": email, "password": password, "next": "/admin/"})
        page = self.get("/admin/comments?status=pending")
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        self.actions = 0
        self.fivexx = 0

    def get(self, path):
        with self.opener.open(self.url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        with self.opener.open(self.url + path, data=data, timeout=30) as response:
            return response.read().decode()

    def act(self, stop):
        while not stop.is_set():
            try:
                self.get("/admin/")
                queue = self.get("/admin/comments?status=pending")
                ids = re.findall(r'name="ids" value="(\d+)"', queue)[:5]
                if ids:
                    self.post("/admin/comments", {"bulk_action": "approve", "ids": ids,
                                                  "csrf": self.csrf})
                self.actions += 3
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    self.fivexx += 1
            stop.wait(0.5)


def soak(work):
    """Ten minutes (BENCH_SOAK_SECONDS) of readers, comment posts offered at twice the
    posting capacity measured first, and a moderator at work, in segments of 30 s: the 5xx
    answers (target 0), p99 in each segment, and resident memory from start to end. Posts
    and article reads go to the newest BENCH_SOAK_ARTICLES (100) articles in turn, as a
    news site's discussion spreads over the day's stories; BENCH_SOAK_ARTICLES=1 sends all
    of them to one article (a story that draws tens of thousands of comments)."""
    import threading
    total = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
    segment_seconds = min(30, total)
    log(f"soak: {total} s of mixed load, in segments of {segment_seconds} s")
    site = work / "soak-site"
    site.mkdir()
    generate(site, 1000, 50)
    subprocess.run([BINARY, "--data", site, "user", "add", "--email", "desk@bench.example",
                    "--name", "Desk", "--role", "administrator", "--password-stdin"],
                   input="soak desk password 4 the bench", text=True, check=True,
                   capture_output=True)
    tidings, url, _ = start_tidings(site)
    segments = []
    try:
        article_path = "/" + time.strftime("%Y/%m/", time.gmtime(int(time.time()) - 60)) + "target-article/"
        with urllib.request.urlopen(url + article_path) as response:
            page = response.read()
        article_id = re.search(rb'name="comment_post_ID" value="(\d+)"', page).group(1).decode()
        spread = int(os.environ.get("BENCH_SOAK_ARTICLES", "100"))
        database = sqlite3.connect(site / "tidings.db")
        newest = database.execute(
            "SELECT id, slug, published_at FROM articles ORDER BY published_at DESC LIMIT ?",
            (spread,)).fetchall()
        database.close()
        article_ids = ",".join(str(row[0]) for row in newest)
        read_paths = " ".join(
            "/" + time.strftime("%Y/%m/", time.gmtime(row[2])) + row[1] + "/" for row in newest)
        start_mb = resident_megabytes(tidings.pid)
        capacity = wrk(url + "/wp-comments-post.php", connections=CONNECTIONS // 2, threads=1,
                       seconds=min(10, total), script=ROOT / "bench" / "post.lua",
                       environment={"BENCH_ARTICLE_ID": article_id})
        capacity_rps = capacity["acked"] / min(10, total)
        offered = 2 * capacity_rps
        posters = 64
        delay_ms = max(1, int(posters * 1000 / offered))
        log(f"posting capacity {capacity_rps:,.0f} comments/s; offering {posters * 1000 / delay_ms:,.0f}/s")
        moderator = Moderator(url, "desk@bench.example", "soak desk password 4 the bench")
        stop = threading.Event()
        admin = threading.Thread(target=moderator.act, args=(stop,))
        admin.start()
        acked_total = 0
        started = time.monotonic()
        segment = 0
        while time.monotonic() - started < total:
            segment += 1
            readers = subprocess.Popen(
                ["wrk", "-t1", f"-c{CONNECTIONS // 2}", f"-d{segment_seconds}s", "--latency",
                 "-s", str(ROOT / "bench" / "reads.lua"), url + "/"],
                stdout=subprocess.PIPE, text=True,
                env={**os.environ, "BENCH_READ_PATHS": read_paths})
            posting = wrk(url + "/wp-comments-post.php", connections=posters, threads=1,
                          seconds=segment_seconds, script=ROOT / "bench" / "post_paced.lua",
                          environment={"BENCH_ARTICLE_IDS": article_ids,
                                       "BENCH_DELAY_MS": str(delay_ms),
                                       "BENCH_SEGMENT": str(segment)})
            read_output = readers.communicate()[0]
            reading = {
                "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", read_output).group(1)),
                "p99": to_ms(re.search(r"^\s*99%\s+(\S+)", read_output, re.M).group(1)),
                "fivexx": int(re.search(r"FIVEXX (\d+)", read_output).group(1)),
            }
            posting["fivexx"] = int(re.search(r"FIVEXX (\d+)", posting["output"]).group(1))
            acked_total += posting.get("acked", 0)
            segments.append({
                "at": round(time.monotonic() - started),
                "reads": reading, "posts": posting, "rss": resident_megabytes(tidings.pid),
            })
            log(f"  {segments[-1]['at']:>4} s: reads {reading['rps']:,.0f}/s p99 {reading['p99']:.1f} ms, "
                f"posts {posting['acked'] / segment_seconds:,.0f}/s p99 {posting['p99']:.1f} ms, "
                f"5xx {reading['fivexx'] + posting['fivexx']}, RSS {segments[-1]['rss']:.0f} MB")
        stop.set()
        admin.join()
        end_mb = resident_megabytes(tidings.pid)
    finally:
        tidings.terminate()
        tidings.wait()
    database = sqlite3.connect(site / "tidings.db")
    stored = database.execute("SELECT COUNT(*) FROM comments WHERE content LIKE 'Soak comment %'").fetchone()[0]
    integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
    database.close()
    fivexx = sum(s["reads"]["fivexx"] + s["posts"]["fivexx"] for s in segments) + moderator.fivexx
    lines = [
        f"Soak: {total} s over the newest {spread} article(s); posting capacity "
        f"{capacity_rps:,.0f} comments/s measured first, "
        f"{posters * 1000 / delay_ms:,.0f}/s offered (2×); {moderator.actions:,} moderator requests.",
        "",
        "| at s | reads/s | read p99 ms | comments/s taken | post p99 ms | 5xx | RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in segments:
        lines.append(f"| {s['at']} | {s['reads']['rps']:,.0f} | {s['reads']['p99']:.1f} | "
                     f"{s['posts'].get('acked', 0) / segment_seconds:,.0f} | {s['posts']['p99']:.1f} | "
                     f"{s['reads']['fivexx'] + s['posts']['fivexx']} | {s['rss']:.0f} |")
    lines += [
        "",
        f"5xx answers: {fivexx} (target 0). Resident memory: {start_mb:.0f} MB at the start, "
        f"{end_mb:.0f} MB at the end. Comments acknowledged {acked_total:,}, stored {stored:,} "
        f"(every one acknowledged is stored: {'yes' if stored >= acked_total else 'NO'}); "
        f"integrity_check {integrity}.",
    ]
    assert fivexx == 0, f"{fivexx} answers were 5xx"
    assert stored >= acked_total, "an acknowledged comment is missing"
    return "\n".join(lines)


def main():
    if "soak" in sys.argv[1:]:
        with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
            print(soak(pathlib.Path(folder)))
        return
    if "api" in sys.argv[1:]:
        with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
            print(api_benchmark(pathlib.Path(folder)))
        return
    if "migration" in sys.argv[1:]:
        with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
            print(migration_benchmark(pathlib.Path(folder)))
        return
    if "images" in sys.argv[1:]:
        print(image_upload())
        return
    if "lighthouse" in sys.argv[1:]:
        with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
            print(lighthouse_audit(pathlib.Path(folder)))
        return
    figures = []
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
        work = pathlib.Path(folder)

        log("generating a site of 1,000 articles; the target article has 50 threaded comments")
        site = work / "site"
        site.mkdir()
        generate(site, 1000, 50)
        tidings, url, startup_ms = start_tidings(site)
        idle_mb = resident_megabytes(tidings.pid)
        article_path = "/" + time.strftime("%Y/%m/", time.gmtime(int(time.time()) - 60)) + "target-article/"
        with urllib.request.urlopen(url + article_path) as response:
            page = response.read()
            assert b"Comment 50:" in page, "the target article shows its comments"
        article_id = re.search(rb'name="comment_post_ID" value="(\d+)"', page).group(1).decode()

        nginx, nginx_url = start_nginx(work, page)
        try:
            log(f"article page: tidings, then nginx with the same bytes ({SECONDS} s each)")
            article = wrk(url + article_path)
            static = wrk(nginx_url)
            log("front page and RSS feed")
            front = wrk(url + "/")
            feed = wrk(url + "/feed/")
            log("comment posting while readers load the article page")
            readers = subprocess.Popen(
                ["wrk", "-t1", f"-c{CONNECTIONS // 2}", f"-d{SECONDS}s", "--latency", url + article_path],
                stdout=subprocess.PIPE, text=True)
            posting = wrk(url + "/wp-comments-post.php", connections=CONNECTIONS // 2, threads=1,
                          script=ROOT / "bench" / "post.lua", environment={"BENCH_ARTICLE_ID": article_id})
            reading_output = readers.communicate()[0]
            loaded_mb = resident_megabytes(tidings.pid)
        finally:
            nginx.terminate()
            nginx.wait()
            tidings.terminate()
            tidings.wait()
        database = sqlite3.connect(site / "tidings.db")
        stored = database.execute("SELECT COUNT(*) FROM comments WHERE content LIKE 'Benchmark comment %'").fetchone()[0]
        integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        database.close()
        reading = {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", reading_output).group(1)),
            "p50": to_ms(re.search(r"^\s*50%\s+(\S+)", reading_output, re.M).group(1)),
            "p99": to_ms(re.search(r"^\s*99%\s+(\S+)", reading_output, re.M).group(1)),
        }

        log(f"a large site: {LARGE_ARTICLES:,} articles and {LARGE_COMMENTS:,} comments, one article with 500")
        large = work / "large"
        large.mkdir()
        generate(large, LARGE_ARTICLES, 500, LARGE_COMMENTS - 500)
        # Cache off: every request renders, to measure the uncached page.
        tidings, large_url, large_startup_ms = start_tidings(large, "cache_megabytes = 0\n")
        try:
            uncached = wrk(large_url + article_path, connections=1, threads=1)
            uncached_front = wrk(large_url + "/", connections=1, threads=1)
            deep_page = max(2, LARGE_ARTICLES // 10 // 2)
            uncached_deep = wrk(large_url + f"/page/{deep_page}/", connections=1, threads=1)
            assert uncached_deep["errors"] == 0, "the deep page exists"
            log("search on the large site: tidings over HTTP, and WordPress's LIKE query alone")
            queries = search_queries()
            query_file = work / "queries.txt"
            query_file.write_text("\n".join(urllib.parse.quote_plus(q) for q in queries) + "\n")
            environment = {"BENCH_QUERIES": str(query_file)}
            search_one = wrk(large_url + "/", connections=1, threads=1,
                             script=ROOT / "bench" / "search.lua", environment=environment)
            search_many = wrk(large_url + "/", script=ROOT / "bench" / "search.lua",
                              environment=environment)
            assert search_one["errors"] == 0 and search_many["errors"] == 0, "search answers"
            everywhere = wrk(large_url + "/?s=council", connections=1, threads=1)
            like = like_latency(large / "tidings.db", queries, SECONDS)
        finally:
            tidings.terminate()
            tidings.wait()

    log("hostile bodies: the time to render each, as an article and as a comment")
    hostile = subprocess.run(
        ["cargo", "run", "--release", "--locked", "-q", "-p", "tidings-domain", "--example", "hostile_markup"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    slowest = re.search(r"SLOWEST article ([\d.]+) ms \((.*?)\), comment ([\d.]+) ms \((.*?)\), of (\d+)", hostile)

    images = image_upload()
    with tempfile.TemporaryDirectory(prefix="tidings-lighthouse-") as folder:
        audit = lighthouse_audit(pathlib.Path(folder))
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
        migration = migration_benchmark(pathlib.Path(folder))
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as folder:
        api = api_benchmark(pathlib.Path(folder))

    ratio = article["rps"] / static["rps"]
    figures.append("| what | requests/s | p50 ms | p99 ms | note |")
    figures.append("|---|---:|---:|---:|---|")
    figures.append(row("article page (50 comments), tidings", article, f"**{ratio:.2f} × nginx**"))
    figures.append(row("same bytes as a static file, nginx", static, "the physical limit"))
    figures.append(row("front page, tidings", front))
    figures.append(row("RSS feed, tidings", feed))
    figures.append(row("comment posting, during reads", posting,
                       f"{posting.get('acked', 0):,} acknowledged, {stored:,} stored, integrity {integrity}"))
    figures.append(row("article reads, during posting", reading))
    figures.append(row(f"uncached article page, 500 comments, {LARGE_ARTICLES:,} articles", uncached, "one connection"))
    figures.append(row("uncached front page, large site", uncached_front, "one connection"))
    figures.append(row("uncached front page, halfway back, large site", uncached_deep, "one connection"))
    search_ratio = like["p99"] / search_one["p99"]
    figures.append(row(f"search, {len(queries)} queries, {LARGE_ARTICLES:,} articles", search_one,
                       f"one connection; whole results page; **p99 {search_ratio:.1f} × faster than LIKE**"))
    figures.append(row("search, same queries", search_many, f"{CONNECTIONS} connections"))
    figures.append(row("WordPress's LIKE search, same queries", like, "the query alone, no page; one connection"))
    figures.append(row("search for a word in every article", everywhere, f"one connection; ranks all {LARGE_ARTICLES:,}"))
    print()
    print("\n".join(figures))
    print()
    print(f"- start-up to first page: {startup_ms:.0f} ms with 1,000 articles, {large_startup_ms:.0f} ms with {LARGE_ARTICLES:,} articles and {LARGE_COMMENTS:,} comments")
    print(f"- resident memory: {idle_mb:.1f} MB idle, {loaded_mb:.1f} MB after the load")
    print(f"- hostile bodies: the slowest of {slowest.group(5)} renders in {float(slowest.group(1)):.1f} ms as an article ({slowest.group(2)}), {float(slowest.group(3)):.2f} ms as a comment ({slowest.group(4)})")
    print(images)
    print(audit)
    print()
    print(migration)
    print()
    print(api)
    print()
    print(f"- {SECONDS} s per measurement, {CONNECTIONS} connections (16 readers + 16 posters when mixed), wrk and both servers on this machine ({os.cpu_count()} cores)")
    lost = posting.get("acked", 0) - stored
    if lost > 0:
        raise SystemExit(f"{lost} acknowledged comments are missing from the database")


if __name__ == "__main__":
    main()
