"""libtorrent's BEP44 path on the workload of scripts/bench/dht.libtorrent.bench.ts.

A swarm of libtorrent sessions in this one process, every socket on 127.0.0.1, seeded only with
each other's ports (no routers: the settings go to the session constructor, so the compiled-in
bootstrap list is never used). One operation at a time, per phase: immutable put, immutable get
from another session, mutable put (fresh key, salt), mutable get (first matching value and the
authoritative answer of the same lookup). Prints one JSON object on stdout: raw latencies (ms) and
process CPU (getrusage, every session thread included) per phase, so the TypeScript side computes
percentiles the same way for both DHTs. Progress goes to stderr. Every wait is bounded.

usage: /usr/bin/python3 anchor.py [--nodes 16] [--items 100] [--payload 256] [--op-timeout 10]
                                  [--max-seconds 300]
"""
import argparse
import hashlib
import json
import os
import resource
import sys
import time

try:
    import libtorrent as lt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError as e:  # reported as JSON, so the bench can say what is missing
    print(json.dumps({"ok": False, "error": "import: %s" % e}))
    sys.exit(0)

HOST = "127.0.0.1"


class OutOfTime(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def cpu_s():
    ru = resource.getrusage(resource.RUSAGE_SELF)  # the whole process: every session's threads
    return ru.ru_utime + ru.ru_stime


def new_session():
    categories = lt.alert.category_t
    mask = categories.dht_notification | categories.error_notification | categories.status_notification
    return lt.session({
        "listen_interfaces": "%s:0" % HOST,
        "enable_dht": True,
        "dht_bootstrap_nodes": "",
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_ip_notifier": False,
        # Every node shares one address here: without these libtorrent keeps one node per IP
        # (or per /24) in its buckets and lookups, and bans the address as a flood.
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_prefer_verified_node_ids": False,
        "dht_block_ratelimit": 1000000,
        "dht_upload_rate_limit": 100000000,
        "alert_mask": int(mask),
        "alert_queue_size": 10000,
        "aio_threads": 1,
        "hashing_threads": 1,
    })


def table_size(ses, timeout_s):
    ses.post_dht_stats()
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        ses.wait_for_alert(int(max(1, (end - time.monotonic()) * 1000)))
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_stats_alert):
                return sum(b["num_nodes"] for b in a.routing_table)
    return -1


def await_alert(ses, match, timeout_s):
    """Pops alerts until match(alert, now) returns something other than None; None on timeout."""
    end = time.perf_counter() + timeout_s
    while True:
        left = end - time.perf_counter()
        if left <= 0:
            return None
        ses.wait_for_alert(int(max(1, left * 1000)))
        now = time.perf_counter()
        for a in ses.pop_alerts():
            got = match(a, now)
            if got is not None:
                return got


def as_bytes(x):
    return x.encode() if isinstance(x, str) else bytes(x)


def ed25519_keys(seed):
    """(expanded secret key, public key) as libtorrent wants them: SHA-512 of the seed, clamped."""
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    pk = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return bytes(h), pk


def messages_out(sessions):
    """DHT messages the whole swarm has sent (libtorrent's own counter), or None if not reported."""
    total = 0
    for ses in sessions:
        ses.post_session_stats()
        got = await_alert(ses, lambda a, now: a.values if isinstance(a, lt.session_stats_alert) else None, 2.0)
        if got is None or "dht.dht_messages_out" not in got:
            return None
        total += got["dht.dht_messages_out"]
    return total


class Phase:
    def __init__(self, deadline, sessions):
        self.deadline = deadline
        self.sessions = sessions
        self.lat_ms = []
        self.extra_ms = []
        self.failed = 0
        self.msgs0 = messages_out(sessions)  # counted outside the CPU window
        self.cpu0 = cpu_s()
        self.wall0 = time.monotonic()

    def check_time(self):
        if time.monotonic() > self.deadline:
            raise OutOfTime()

    def done(self):
        out = {"latMs": self.lat_ms, "cpuMs": 1000 * (cpu_s() - self.cpu0),
               "wallMs": 1000 * (time.monotonic() - self.wall0), "failed": self.failed,
               "ops": len(self.lat_ms) + self.failed}
        msgs1 = messages_out(self.sessions)
        if self.msgs0 is not None and msgs1 is not None:
            out["datagramsOut"] = msgs1 - self.msgs0
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=16)
    ap.add_argument("--items", type=int, default=100)
    ap.add_argument("--payload", type=int, default=256)
    ap.add_argument("--op-timeout", type=float, default=10.0)
    ap.add_argument("--max-seconds", type=float, default=300.0)
    args = ap.parse_args()
    deadline = time.monotonic() + args.max_seconds
    n = args.nodes
    out = {"ok": True, "version": lt.__version__, "nodes": n, "items": args.items, "payload": args.payload}

    sessions = [new_session() for _ in range(n)]
    ports = [s.listen_port() for s in sessions]
    for i, s in enumerate(sessions):
        for j, p in enumerate(ports):
            if j != i:
                s.add_dht_node((HOST, p))
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        sizes = [table_size(s, 2.0) for s in sessions]
        if min(sizes) >= n - 1:
            break
        time.sleep(0.25)
    out["readyMs"] = 1000 * (time.monotonic() - t0)
    out["tableSizes"] = sizes
    for s in sessions:
        s.pop_alerts()

    phases = {}
    try:
        # Immutable put: a lookup for the target's closest nodes, then a store on them.
        ph = Phase(deadline, sessions)
        imm = []
        for i in range(args.items):
            ph.check_time()
            value = os.urandom(args.payload)
            ses = sessions[i % n]
            ses.pop_alerts()
            t = time.perf_counter()
            target = ses.dht_put_immutable_item(value)
            tgt = str(target)
            hit = await_alert(ses, lambda a, now: now if isinstance(a, lt.dht_put_alert) and str(a.target) == tgt else None, args.op_timeout)
            if hit is None:
                ph.failed += 1
            else:
                ph.lat_ms.append(1000 * (hit - t))
            imm.append((i % n, target, value))
        phases["immutablePut"] = ph.done()

        # Immutable get from another session: a lookup that ends at the first matching answer.
        ph = Phase(deadline, sessions)
        for i, (owner, target, value) in enumerate(imm):
            ph.check_time()
            ses = sessions[(owner + 1 + i % (n - 1)) % n]
            ses.pop_alerts()
            tgt = str(target)
            t = time.perf_counter()
            ses.dht_get_immutable_item(target)

            def got(a, now):
                if isinstance(a, lt.dht_immutable_item_alert) and str(a.target) == tgt:
                    try:
                        return (now, a.item["value"] == value)
                    except Exception:  # a failed lookup carries no string value
                        return (now, False)
                return None
            hit = await_alert(ses, got, args.op_timeout)
            if hit is None or not hit[1]:
                ph.failed += 1
            else:
                ph.lat_ms.append(1000 * (hit[0] - t))
        phases["immutableGet"] = ph.done()

        # Mutable put: fresh key and salt per item; signing happens inside the put, as on our side.
        keys = [ed25519_keys(hashlib.sha256(b"anchor-%d-%d" % (os.getpid(), i)).digest()) for i in range(args.items)]
        ph = Phase(deadline, sessions)
        mut = []
        for i in range(args.items):
            ph.check_time()
            sk, pk = keys[i]
            salt = b"bench-%d" % i
            value = os.urandom(args.payload)
            ses = sessions[i % n]
            ses.pop_alerts()
            t = time.perf_counter()
            ses.dht_put_mutable_item(sk, pk, value, salt)
            hit = await_alert(ses, lambda a, now: now if isinstance(a, lt.dht_put_alert) and as_bytes(a.public_key) == pk and as_bytes(a.salt) == salt else None, args.op_timeout)
            if hit is None:
                ph.failed += 1
            else:
                ph.lat_ms.append(1000 * (hit - t))
            mut.append((i % n, pk, salt, value))
        phases["mutablePut"] = ph.done()

        # Mutable get: one lookup; the first alert with the value, and the authoritative one.
        ph = Phase(deadline, sessions)
        for i, (owner, pk, salt, value) in enumerate(mut):
            ph.check_time()
            ses = sessions[(owner + 1 + i % (n - 1)) % n]
            ses.pop_alerts()
            first = [None]
            t = time.perf_counter()
            ses.dht_get_mutable_item(pk, salt)

            def got(a, now):
                if not (isinstance(a, lt.dht_mutable_item_alert) and as_bytes(a.key) == pk and as_bytes(a.salt) == salt):
                    return None
                try:
                    good = a.item["value"] == value
                except Exception:
                    good = False
                if good and first[0] is None:
                    first[0] = now
                return (now, good) if a.authoritative else None
            hit = await_alert(ses, got, args.op_timeout)
            if hit is None or not hit[1] or first[0] is None:
                ph.failed += 1
            else:
                ph.lat_ms.append(1000 * (hit[0] - t))
                ph.extra_ms.append(1000 * (first[0] - t))
        d = ph.done()
        phases["mutableGetAuthoritative"] = d
        phases["mutableGetFirst"] = dict(d, latMs=ph.extra_ms)
    except OutOfTime:
        out["ok"] = False
        out["error"] = "out of time after %.0f s" % args.max_seconds
    out["phases"] = phases
    print(json.dumps(out), flush=True)
    # Sessions tear down their threads on exit; leave at once rather than wait on each.
    os._exit(0)


if __name__ == "__main__":
    main()
