#!/usr/bin/env python3
"""The checks of the cluster drill (issue 13), run by deploy/drill.sh against two instances on one
PostgreSQL behind nginx. One line per check (PASS/FAIL name: detail), a summary line, and exit
code 1 when any check failed. Only the standard library: CI has python3 and nothing else."""
import argparse
import base64
import html
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "InfoPortal#2026"
results = []


def report(name, ok, detail):
    results.append((name, ok))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


class Http:
    """A client with its own cookies that never follows redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, token=None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), Http._NoRedirect())
        self.token = token

    def request(self, method, url, body=None, headers=None, timeout=60, raw=None, content_type=None):
        data = raw
        hdrs = {"Accept-Language": "zh-CN"}
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if content_type:
            hdrs["Content-Type"] = content_type
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        hdrs.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def json(self, method, url, body=None, **kw):
        status, content, _ = self.request(method, url, body, **kw)
        try:
            return status, json.loads(content) if content else None
        except ValueError:
            return status, {"raw": content[:200].decode(errors="replace")}


def token(base, user):
    status, body = Http().json("POST", base + "/api/v1/auth/token", {"userName": user, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"token for {user} on {base}: {status} {body}")
    return body["token"]


def api(base, user):
    return Http(token(base, user))


def wait_until(condition, deadline_s, step=0.02):
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        if condition():
            return time.monotonic() - start
        time.sleep(step)
    return time.monotonic() - start if condition() else None


def psql(args, sql):
    out = subprocess.run([args.psql, "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", "postgres", "-d", "infoportal", "-Atqc", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return out.stdout.strip()


def draft(client, base, title, body_html):
    status, columns = client.json("GET", base + "/api/v1/columns")
    column = next(c["id"] for c in columns if c["name"] == "工作动态")
    status, created = client.json("POST", base + "/api/v1/requests", {
        "title": title, "columnIds": [column], "kind": "Text", "bodyHtml": body_html, "source": "县局办公室",
        "importance": "Normal", "eventDate": time.strftime("%Y-%m-%d"), "declarationAccepted": True})
    if status != 201:
        raise RuntimeError(f"draft: {status} {created}")
    return created["id"]


REVIEWERS = ["depthead", "officehead", "director", "leader", "principal", "secrecy", "publisher"]


def approve_all(args, request_id):
    """Approves each step with whoever has the request in their queue, alternating instances."""
    clients = {u: api(args.a, u) for u in REVIEWERS}
    for step in range(12):
        base = args.a if step % 2 == 0 else args.b
        status, detail = clients["publisher"].json("GET", base + f"/api/v1/requests/{request_id}")
        if detail.get("status") == "Approved":
            return
        for user in REVIEWERS:
            status, queue = clients[user].json("GET", base + "/api/v1/review-queue")
            items = queue if isinstance(queue, list) else (queue or {}).get("items", [])
            if any(i.get("id") == request_id for i in items):
                status, body = clients[user].json("POST", base + f"/api/v1/requests/{request_id}/decisions",
                                                  {"decision": "Approve", "opinion": "同意发布。", "version": detail.get("version"), "acknowledgeWarnings": True})
                if status != 200:
                    raise RuntimeError(f"approve by {user}: {status} {body}")
                break
        else:
            raise RuntimeError(f"nobody has request {request_id} in their queue (status {detail.get('status')})")
    raise RuntimeError("review chain did not end")


# --- the checks ------------------------------------------------------------------------------

def check_start(args):
    started = time.monotonic()
    def healthy():
        return all(Http().request("GET", b + "/health", timeout=5)[0] == 200 for b in (args.a, args.b)) if alive() else False
    def alive():
        return all(os.path.exists(f"/proc/{pid(args, n)}") for n in ("a", "b"))
    def safe():
        try:
            return healthy()
        except (OSError, urllib.error.URLError):
            return False
    limit = float(os.environ.get("DRILL_START_SECONDS", "600"))
    took = wait_until(lambda: safe() or not alive(), limit, step=0.5)
    ok = took is not None and alive() and safe()
    crashed = [n for n in ("a", "b") if not os.path.exists(f"/proc/{pid(args, n)}")]
    report("start-together", ok, f"both instances healthy {time.monotonic() - started:.1f} s after starting at once on an empty database" if ok
           else f"not healthy within {limit:.0f} s; crashed: {crashed or 'none'} (see {args.work}/a.log, b.log)")
    return ok


def pid(args, name):
    with open(os.path.join(args.work, f"{name}.pid")) as f:
        return int(f.read().strip())


def check_nginx(args):
    client, signed_in, _ = browser_sign_in(args.nginx, "officer")
    status, body, _ = client.request("GET", args.nginx + "/office")
    s2, negotiated = client.json("POST", args.nginx + "/_blazor/negotiate?negotiateVersion=1", raw=b"")
    if status != 200 or s2 != 200 or "connectionToken" not in (negotiated or {}):
        report("nginx-websocket", False, f"sign-in through nginx {'ok' if signed_in else 'FAILED'}, GET /office {status}, negotiate {s2} {negotiated}")
        return
    url = urllib.parse.urlparse(args.nginx)
    key = base64.b64encode(os.urandom(16)).decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall((f"GET /_blazor?id={urllib.parse.quote(negotiated['connectionToken'])} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode())
        line = s.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
    report("nginx-websocket", " 101 " in line + " ", f"negotiate through nginx, then the /_blazor upgrade answers '{line}'")


def browser_sign_in(base, user):
    """Signs in through the sign-in form as a browser does; returns the client (cookies) and whether it worked."""
    browser = Http()
    status, page, _ = browser.request("GET", base + "/account/login")
    fields = {html.unescape(m.group(1)): html.unescape(m.group(2)) for m in re.finditer(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.decode(), re.I)}
    fields["Input.UserName"] = user
    fields["Input.Password"] = PASSWORD
    status, _, headers = browser.request("POST", base + "/account/login", raw=urllib.parse.urlencode(fields).encode(),
                                         content_type="application/x-www-form-urlencoded")
    return browser, status == 302 and not headers.get("Location", "").startswith("/account"), status


def check_sign_in_across(args):
    browser, signed_in, status = browser_sign_in(args.a, "officer")
    status_b, office, _ = browser.request("GET", args.b + "/office")
    ok = signed_in and status_b == 200 and "张信息" in office.decode(errors="replace")
    report("sign-in-across", ok, f"signed in on A ({status}), /office on B answers {status_b}" + ("" if ok else " without the user's page"))


def check_upload_submit_across(args):
    officer = api(args.a, "officer")
    request_id = draft(officer, args.a, "跨实例附件", "<p>附件见下。</p>")
    boundary = "drill" + os.urandom(8).hex()
    text = "本文件为机密级文件，仅限内部传阅。".encode()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notice.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode() + text + f"\r\n--{boundary}--\r\n".encode()
    status, uploaded, _ = officer.request("POST", args.a + f"/api/v1/requests/{request_id}/attachments", raw=body,
                                          content_type=f"multipart/form-data; boundary={boundary}")
    officer_b = api(args.b, "officer")
    s2, submitted = officer_b.json("POST", args.b + f"/api/v1/requests/{request_id}/submit", {})
    detail = json.dumps(submitted, ensure_ascii=False)[:160]
    report("upload-on-a-submit-on-b", status in (200, 201) and s2 == 422,
           f"upload on A {status}, submit on B {s2} ({'blocked' if s2 == 422 else 'NOT blocked'}): {detail}")


def check_term_across(args):
    secrecy = api(args.a, "secrecy")
    checker = api(args.b, "officer")
    term = "星河" + os.urandom(2).hex()
    status, created = secrecy.json("POST", args.a + "/api/v1/screening/lists", {"name": "演练" + term, "category": "Sensitive"})
    status, _ = secrecy.json("POST", args.a + f"/api/v1/screening/lists/{created['id']}/terms", {"text": term, "level": "Block"})
    status = 201 if status in (200, 201) else status
    committed = time.monotonic()
    def blocked_on_b():
        s, hits = checker.json("POST", args.b + "/api/v1/screening/check", {"text": f"关于{term}的通知"})
        return s == 200 and any(h.get("level") == "Block" for h in hits.get("hits", []))
    took = wait_until(blocked_on_b, 5)
    seen = None if took is None else time.monotonic() - committed
    request_id = draft(checker, args.b, "演练词表", f"<p>关于{term}的通知。</p>")
    s2, _ = checker.json("POST", args.b + f"/api/v1/requests/{request_id}/submit", {})
    ok = status == 201 and seen is not None and seen < 1.0 and s2 == 422
    report("term-on-a-blocks-on-b", ok, f"term added on A; B screens it after {seen * 1000:.0f} ms, submit on B {s2}" if seen is not None
           else f"term added on A ({status}); B did not block it within 5 s (submit {s2})")


def check_publish_takedown(args):
    officer = api(args.a, "officer")
    request_id = draft(officer, args.a, "演练发布与撤稿", "<p>县局召开演练会议。</p>")
    status, _ = api(args.b, "officer").json("POST", args.b + f"/api/v1/requests/{request_id}/submit", {})
    approve_all(args, request_id)
    publisher = api(args.a, "publisher")
    status, published = publisher.json("POST", args.a + f"/api/v1/requests/{request_id}/publish", {})
    path = (published or {}).get("publicUrl") or f"/articles/{request_id}"
    bases = {"A": args.a, "B": args.b, "nginx": args.nginx}
    live = {n: Http().request("GET", b + path)[0] for n, b in bases.items()}
    s2, _ = api(args.b, "publisher").json("POST", args.b + f"/api/v1/requests/{request_id}/takedown", {"reason": "演练：撤稿检查"})
    t0 = time.monotonic()
    # Each place is polled on its own thread; what counts is when the first request that answered
    # 410 was SENT after the takedown returned (on a loaded machine one answer can take longer than
    # the signal itself), and the answer time is reported beside it.
    gone = {}
    def poll(name, base):
        while time.monotonic() - t0 < 5:
            sent = time.monotonic() - t0
            if Http().request("GET", base + path)[0] == 410:
                gone[name] = (sent, time.monotonic() - t0)
                return
            time.sleep(0.02)
    pollers = [threading.Thread(target=poll, args=item) for item in bases.items()]
    for p in pollers:
        p.start()
    for p in pollers:
        p.join()
    slowest = max(v[0] for v in gone.values()) if len(gone) == len(bases) else None
    ok = status == 200 and all(v == 200 for v in live.values()) and s2 == 200 and slowest is not None and slowest < 1.0
    report("publish-takedown-410-everywhere", ok, f"published on A (live: {live}); taken down on B; 410 on "
           + ", ".join(f"{n} for a request sent {a * 1000:.0f} ms after (answered at {b * 1000:.0f} ms)" for n, (a, b) in gone.items())
           + ("" if slowest is not None else "; not everywhere within 5 s"))


def check_writers(args, threads=16, per_thread=6):
    # One token used on both instances (a new sign-in of the account would end the older session).
    shared = token(args.a, "officer")
    tokens = [shared, shared]
    status, columns = Http(tokens[0]).json("GET", args.a + "/api/v1/columns")
    column = next(c["id"] for c in columns if c["name"] == "工作动态")
    acknowledged, errors, lock = [], [], threading.Lock()

    def writer(n):
        for i in range(per_thread):
            base = args.a if (n + i) % 2 == 0 else args.b
            client = Http(tokens[(n + i) % 2])
            try:
                s, body = client.json("POST", base + "/api/v1/requests", {
                    "title": f"并发写入 {n}-{i}", "columnIds": [column], "kind": "Text", "bodyHtml": "<p>并发写入测试。</p>",
                    "source": "县局办公室", "importance": "Normal", "eventDate": time.strftime("%Y-%m-%d"), "declarationAccepted": True})
            except OSError as e:
                s, body = 0, str(e)
            with lock:
                (acknowledged.append(body["id"]) if s == 201 else errors.append(s))

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    missing = []
    if acknowledged:
        ids = ",".join(f"'request:{i}'" for i in acknowledged)
        audited = set(psql(args, f"SELECT \"Target\" FROM \"AuditRecords\" WHERE \"Action\" = 'RequestCreated' AND \"Target\" IN ({ids})").split())
        missing = [i for i in acknowledged if f"request:{i}" not in audited]
    s, verify = api(args.b, "auditor").json("GET", args.b + "/api/v1/audit/verify")
    chain_ok = s == 200 and bool((verify or {}).get("ok"))
    ok = not errors and not missing and chain_ok
    report("16-writers-audited", ok, f"{len(acknowledged)} of {threads * per_thread} writes acknowledged, {len(errors)} errors {sorted(set(errors))}, "
           f"{len(missing)} without RequestCreated, chain {'verifies' if chain_ok else 'BROKEN ' + json.dumps(verify)[:120]}")


def check_throttle(args):
    # From a loopback address of its own (127.0.0.2, inside the office networks, not a trusted
    # proxy): the throttle counts per address, so the other checks, signing in from 127.0.0.1,
    # are not locked out by this one.
    import http.client
    import urllib.parse
    answers = []
    for i in range(6):
        base = urllib.parse.urlsplit(args.a if i % 2 == 0 else args.b)
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60, source_address=("127.0.0.2", 0))
        body = json.dumps({"userName": f"drill-nobody-{i}", "password": "wrong-password-1"})
        connection.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
        answers.append(connection.getresponse().status)
        connection.close()
    report("wrong-passwords-spread-throttled", answers[-1] == 429,
           f"6 wrong passwords from 127.0.0.2 alternating A/B answered {answers} (limit 5 per address)")


def check_takeover(args):
    sysadmin = api(args.a, "sysadmin")
    period = "2026-10"
    job = "statistics-monthly"
    # Hold the table the job writes, so the run on A is caught mid-way (lease taken, run Running).
    holder = subprocess.Popen([args.psql, "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", "postgres", "-d", "infoportal", "-q"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    holder.stdin.write('BEGIN; LOCK TABLE "MonthlyStatistics" IN ACCESS EXCLUSIVE MODE; SELECT 1;\n')
    holder.stdin.flush()
    time.sleep(0.5)  # the lock is taken before the run starts (no event to wait for in psql's stdin protocol)
    def start_run():
        try:
            sysadmin.json("POST", args.a + f"/api/v1/jobs/{job}/runs", {"period": period}, timeout=600)
        except OSError:
            pass  # A is killed mid-request: its connection goes with it
    threading.Thread(target=start_run, daemon=True).start()
    running = wait_until(lambda: psql(args, f"SELECT count(*) FROM \"JobRuns\" WHERE \"JobName\" = '{job}' AND \"PeriodKey\" = '{period}' AND \"Outcome\" = 'Running'") == "1", 60, step=0.2)
    if running is None:
        holder.stdin.write("ROLLBACK;\n"); holder.stdin.close(); holder.wait(10)
        report("kill-9-takeover", False, "the run on A never started")
        return
    os.kill(pid(args, "a"), signal.SIGKILL)
    killed = time.monotonic()
    holder.stdin.write("COMMIT;\n")
    holder.stdin.close()
    holder.wait(10)
    query = (f"SELECT r.\"Trigger\" || ' ' || r.\"Outcome\" FROM \"JobPeriods\" p JOIN \"JobRuns\" r ON r.\"Id\" = p.\"LastRunId\" "
             f"WHERE p.\"JobName\" = '{job}' AND p.\"PeriodKey\" = '{period}'")
    took = wait_until(lambda: psql(args, query) == "Takeover Succeeded", 150, step=1)
    runs = psql(args, f"SELECT \"Outcome\" || ':' || coalesce(\"Error\", '') FROM \"JobRuns\" WHERE \"JobName\" = '{job}' AND \"PeriodKey\" = '{period}' ORDER BY \"Id\"").splitlines()
    stat_runs = psql(args, "SELECT count(*) FROM \"MonthlyStatisticsRuns\" WHERE \"Year\" = 2026 AND \"Month\" = 10")
    once = sum(r.startswith("Succeeded") for r in runs) == 1 and stat_runs == "1"
    ok = took is not None and took < 120 and once
    report("kill-9-takeover", ok, (f"A killed mid-run; B took the period over after {took:.0f} s" if took is not None else "no takeover within 150 s")
           + f"; runs {runs}; statistics runs for the month: {stat_runs}")


def main():
    parser = argparse.ArgumentParser()
    for name in ("work", "pg-port", "psql", "nginx", "a", "b"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    started = time.monotonic()
    if check_start(args):
        for check in (check_nginx, check_sign_in_across, check_upload_submit_across, check_term_across,
                      check_publish_takedown, check_writers, check_throttle, check_takeover):
            try:
                check(args)
            except Exception as e:  # a check that cannot run fails; the others still run
                report(check.__name__.removeprefix("check_").replace("_", "-"), False, f"{type(e).__name__}: {e}")
    failed = [n for n, ok in results if not ok]
    print(f"drill: {len(results) - len(failed)} passed, {len(failed)} failed"
          + (f" ({', '.join(failed)})" if failed else "") + f" in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
