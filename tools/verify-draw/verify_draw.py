#!/usr/bin/env python3
"""Independent verifier of a yiyeyicha draw bundle (抽取结果包).

Written only from docs/draw-spec.md ("yiyeyicha-draw-v1"), in Python 3 with
the standard library, so that anyone can recompute a published double-random
draw (双随机抽取) without trusting the platform's own code.

    python3 verify_draw.py BUNDLE [--conflict-salts FILE]
    python3 verify_draw.py --self-test

Exit status: 0 and one summary line when the bundle agrees with the
recomputation; 1 and one line per difference otherwise; 2 when the bundle
cannot be read at all.
"""

import hashlib
import hmac
import json
import re
import sys
import unicodedata
from datetime import date, datetime
from math import gcd

VERSION = "yiyeyicha-draw-v1"
BUNDLE_FORMAT = "yiyeyicha-draw-bundle-v1"
MIN_SECRET, MAX_SECRET = 16, 64
ROUNDINGS = ("ceil", "floor", "half_up")

# ---------------------------------------------------------------------------
# §3 Values and their canonical forms

# Unicode White_Space (PropList.txt); not Python's str.isspace, which also
# counts U+001C..U+001F.
WHITE_SPACE = frozenset(
    chr(c)
    for c in list(range(0x09, 0x0E))
    + [0x20, 0x85, 0xA0, 0x1680]
    + list(range(0x2000, 0x200B))
    + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
IDENT_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
CODE_RE = re.compile(r"[0-9ABCDEFGHJKLMNPQRTUWXY]{18}")
HASH_RE = re.compile(r"[0-9a-f]{64}")
HEX_RE = re.compile(r"(?:[0-9a-f]{2})*")
RATIO_RE = re.compile(r"(0|[1-9][0-9]*)/([1-9][0-9]*)")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def canonical_text(s):
    """§3 text: control characters that are not white space, U+200B and U+FEFF
    removed; then white-space runs to one space (trimmed); then NFC."""
    kept = [ch for ch in s
            if ch in WHITE_SPACE or (unicodedata.category(ch) != "Cc" and ch not in "\u200b\ufeff")]
    out, pending = [], False
    for ch in kept:
        if ch in WHITE_SPACE:
            pending = True
            continue
        if pending and out:
            out.append(" ")
        pending = False
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def is_identifier(s):
    return isinstance(s, str) and IDENT_RE.fullmatch(s) is not None


def is_code(s):
    return isinstance(s, str) and CODE_RE.fullmatch(s) is not None


def is_hash(s):
    return isinstance(s, str) and HASH_RE.fullmatch(s) is not None


def is_text(s):
    return isinstance(s, str) and canonical_text(s) == s


def is_label(s):
    return is_text(s) and s != "" and "," not in s


def is_date(s):
    if not isinstance(s, str) or DATE_RE.fullmatch(s) is None:
        return False
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return True


def is_time(s):
    if not isinstance(s, str) or TIME_RE.fullmatch(s) is None:
        return False
    try:
        datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def is_ratio(s):
    m = isinstance(s, str) and RATIO_RE.fullmatch(s)
    if not m:
        return False
    p, q = int(m.group(1)), int(m.group(2))
    return p <= q and gcd(p, q) == 1


def parse_ratio(s):
    """§3 ratio entry: fraction, decimal or percentage → canonical "p/q"."""
    m = re.fullmatch(r"([0-9]+)/([0-9]+)", s)
    if m:
        p, q = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?(%?)", s)
        if not m:
            raise ValueError("not a ratio: %r" % s)
        frac = m.group(2) or ""
        p = int(m.group(1) + frac)
        q = 10 ** len(frac) * (100 if m.group(3) else 1)
    if q == 0 or p > q:
        raise ValueError("ratio out of range: %r" % s)
    g = gcd(p, q)
    return "%d/%d" % (p // g, q // g)


def list_text(items):
    """§3 list: sorted by UTF-8 bytes, duplicates removed, joined by ","."""
    return ",".join(sorted(set(items), key=lambda x: x.encode()))


def by_bytes(s):
    return s.encode("utf-8")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# §8 Public value: RFC 3797 key string and the compatibility selection


def key_string(sources):
    out = []
    for src in sources:
        s = unicodedata.normalize("NFKC", src)
        if re.search(r"[A-Za-z]", s):
            upper = "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)
            out.append(re.sub(r"[^A-Z0-9]", "", upper) + ".")
        else:
            runs = re.findall(r"[0-9]+", s)
            if not runs:
                raise ValueError("source %r has neither a number nor a word" % src)
            if any(len(r) > 40 for r in runs):
                raise ValueError("source %r has a number of more than 40 digits" % src)
            out.append("".join("%d." % n for n in sorted(int(r) for r in runs)))
        out.append("/")
    return "".join(out)


def rfc3797_select(ks, pool, count):
    members = list(range(1, pool + 1))
    picks = []
    for i in range(count):
        b = i.to_bytes(2, "big")
        h = hashlib.md5(b + ks.encode("utf-8") + b).digest()
        picks.append(members.pop(int.from_bytes(h, "big") % len(members)))
    return picks


# ---------------------------------------------------------------------------
# §7, §9, §10, §11, §12.4 primitives


def commitment(announcement_hash, party, secret):
    head = "%s/commit\t%s\t%s\n" % (VERSION, announcement_hash, party)
    return sha256_hex(head.encode("utf-8") + secret)


def conflict_commitment(salt_hex, code):
    return sha256_hex(("%s/conflict\t%s\t%s" % (VERSION, salt_hex, code)).encode("utf-8"))


def seed_of(entropy_text):
    return hmac.new(VERSION.encode(), entropy_text.encode("utf-8"), hashlib.sha256).digest()


def key_of(seed, label):
    return hmac.new(seed, label.encode("utf-8") + b"\x01", hashlib.sha256).digest()


def entity_key(seed, stratum, code):
    return key_of(seed, "%s/entity\t%s\t%s" % (VERSION, stratum, code))


def inspector_key(seed, code, inspector):
    return key_of(seed, "%s/inspector\t%s\t%s" % (VERSION, code, inspector))


def quota(n, ratio, rounding, minimum):
    p, q = (int(x) for x in ratio.split("/"))
    if rounding == "ceil":
        k = (n * p + q - 1) // q
    elif rounding == "floor":
        k = (n * p) // q
    elif rounding == "half_up":
        k = (2 * n * p + q) // (2 * q)
    else:
        raise ValueError("unknown rounding %r" % rounding)
    if n > 0 and k < minimum:
        k = minimum
    return min(k, n)


# ---------------------------------------------------------------------------
# Reading the bundle (§13)


class Bad(Exception):
    """The bundle's structure is unusable (not a difference to report per item)."""


class Verifier:
    def __init__(self, bundle, salts=None):
        self.b = bundle
        self.salts = salts
        self.diffs = []
        self.notes = []

    def diff(self, what, ref, detail, want=None, got=None):
        line = "%s %s: %s" % (what, ref, detail) if ref else "%s: %s" % (what, detail)
        if want is not None or got is not None:
            line += " (recomputed %s, bundle %s)" % ("(none)" if want is None else want, "(none)" if got is None else got)
        self.diffs.append(line)

    # -- structure ----------------------------------------------------------

    def obj(self, v, where, required, optional=()):
        """An object with exactly these members; optional ones read as None."""
        if not isinstance(v, dict):
            raise Bad("%s is not a JSON object" % where)
        unknown = sorted(set(v) - set(required) - set(optional))
        if unknown:
            raise Bad("%s has unknown member(s) %s" % (where, ", ".join(unknown)))
        missing = [k for k in required if k not in v]
        if missing:
            raise Bad("%s lacks member(s) %s" % (where, ", ".join(missing)))
        return {k: v.get(k) for k in list(required) + list(optional)}

    def arr(self, v, where):
        """An array; absent or null reads as empty (§13)."""
        if v is None:
            return []
        if not isinstance(v, list):
            raise Bad("%s is not a JSON array" % where)
        return v

    def string(self, v, where):
        """A string; absent reads as empty (§13)."""
        if v is None:
            return ""
        if not isinstance(v, str):
            raise Bad("%s is not a JSON string" % where)
        return v

    def count(self, v, where, minimum=0):
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise Bad("%s is not an integer ≥ %d" % (where, minimum))
        return v

    def flag(self, v, where):
        if not isinstance(v, bool):
            raise Bad("%s is not true or false" % where)
        return v

    def canon(self, ok, where, value):
        if not ok:
            self.diff("canonical", where, "value %s is not in canonical form (§3)" % json.dumps(value, ensure_ascii=False))

    def read(self):
        # "log" (optional) holds the transparency-log proofs of the
        # announcement and the result (docs/transparency-log.md); they do
        # not enter the draw's recomputation, so this verifier leaves them
        # to 'yiyeyicha verify' or a log verifier.
        b = self.obj(self.b, "bundle", ["format", "announcement", "announcement_hash", "pool",
                                        "roster", "commitments", "entropy", "result"], ["log"])
        if b["format"] != BUNDLE_FORMAT:
            raise Bad("format is %r, not %r" % (b["format"], BUNDLE_FORMAT))
        self.read_announcement(b["announcement"])
        self.announcement_hash = self.string(b["announcement_hash"], "announcement_hash")
        self.read_pool(b["pool"])
        self.read_roster(b["roster"])
        self.commitments = []
        for i, c in enumerate(self.arr(b["commitments"], "commitments")):
            c = self.obj(c, "commitments[%d]" % i, ["party", "commitment"])
            self.commitments.append((self.string(c["party"], "party"), self.string(c["commitment"], "commitment")))
        e = self.obj(b["entropy"], "entropy", ["reveals"], ["public_value"])
        self.reveals = []
        for i, r in enumerate(self.arr(e["reveals"], "entropy.reveals")):
            r = self.obj(r, "entropy.reveals[%d]" % i, ["party", "secret"])
            self.reveals.append((self.string(r["party"], "party"), self.string(r["secret"], "secret")))
        self.public = None
        if e["public_value"] is not None:
            p = self.obj(e["public_value"], "entropy.public_value", ["sources", "key_string"])
            self.public = ([self.string(s, "entropy.public_value.sources") for s in self.arr(p["sources"], "sources")],
                           self.string(p["key_string"], "entropy.public_value.key_string"))
        self.read_result(b["result"])

    def read_announcement(self, a):
        a = self.obj(a, "announcement", [
            "draw", "task", "batch", "title", "announced_at", "window_start", "window_end",
            "pool_hash", "pool_size", "pool_excluded", "roster_hash", "roster_size",
            "roster_excluded", "strata", "rounding", "team", "parties", "public_value",
            "supersedes"])
        s = self.string
        self.a = {k: s(a[k], "announcement." + k) for k in (
            "draw", "task", "batch", "title", "announced_at", "window_start", "window_end",
            "pool_hash", "roster_hash", "rounding", "public_value", "supersedes")}
        for k in ("pool_size", "pool_excluded", "roster_size", "roster_excluded"):
            self.a[k] = self.count(a[k], "announcement." + k)
        self.strata = []
        for i, st in enumerate(self.arr(a["strata"], "announcement.strata")):
            w = "announcement.strata[%d]" % i
            st = self.obj(st, w, ["name", "ratio", "minimum", "pool"])
            self.strata.append({"name": s(st["name"], w + ".name"), "ratio": s(st["ratio"], w + ".ratio"),
                                "minimum": self.count(st["minimum"], w + ".minimum"),
                                "pool": self.count(st["pool"], w + ".pool")})
        t = self.obj(a["team"], "announcement.team", ["departments", "lead", "officers", "cap", "expert"])
        depts = []
        for i, d in enumerate(self.arr(t["departments"], "announcement.team.departments")):
            w = "announcement.team.departments[%d]" % i
            d = self.obj(d, w, ["department", "count"])
            depts.append((s(d["department"], w + ".department"), self.count(d["count"], w + ".count", 1)))
        self.team = {"departments": depts, "lead": s(t["lead"], "announcement.team.lead"),
                     "officers": self.count(t["officers"], "announcement.team.officers", 2),
                     "cap": self.count(t["cap"], "announcement.team.cap"),
                     "expert": self.flag(t["expert"], "announcement.team.expert")}
        self.parties = [s(p, "announcement.parties") for p in self.arr(a["parties"], "announcement.parties")]

    def read_pool(self, p):
        p = self.obj(p, "pool", ["businesses", "exclusions"])
        self.businesses = []
        for i, x in enumerate(self.arr(p["businesses"], "pool.businesses")):
            w = "pool.businesses[%d]" % i
            x = self.obj(x, w, ["code", "name", "stratum", "industry"], ["last_inspectors"])
            self.businesses.append({
                "code": self.string(x["code"], w + ".code"), "name": self.string(x["name"], w + ".name"),
                "stratum": self.string(x["stratum"], w + ".stratum"),
                "industry": self.string(x["industry"], w + ".industry"),
                "last_inspectors": [self.string(v, w + ".last_inspectors")
                                    for v in self.arr(x["last_inspectors"], w + ".last_inspectors")]})
        self.pool_excl = []
        for i, x in enumerate(self.arr(p["exclusions"], "pool.exclusions")):
            w = "pool.exclusions[%d]" % i
            x = self.obj(x, w, ["code", "reason"], ["detail"])
            self.pool_excl.append({k: self.string(x[k], w + "." + k) for k in ("code", "reason", "detail")})

    def read_roster(self, r):
        r = self.obj(r, "roster", ["inspectors", "exclusions"])
        self.inspectors = []
        for i, x in enumerate(self.arr(r["inspectors"], "roster.inspectors")):
            w = "roster.inspectors[%d]" % i
            x = self.obj(x, w, ["id", "department", "name", "cert_no", "cert_expiry", "expert"],
                         ["labels", "conflicts"])
            ins = {k: self.string(x[k], w + "." + k) for k in ("id", "department", "name", "cert_no", "cert_expiry")}
            ins["expert"] = self.flag(x["expert"], w + ".expert")
            for k in ("labels", "conflicts"):
                ins[k] = [self.string(v, w + "." + k) for v in self.arr(x[k], w + "." + k)]
            self.inspectors.append(ins)
        self.roster_excl = []
        for i, x in enumerate(self.arr(r["exclusions"], "roster.exclusions")):
            w = "roster.exclusions[%d]" % i
            x = self.obj(x, w, ["id", "department", "reason"], ["detail"])
            self.roster_excl.append({k: self.string(x[k], w + "." + k) for k in ("id", "department", "reason", "detail")})

    def read_result(self, r):
        r = self.obj(r, "result", ["seed", "strata", "visits"])
        self.res_seed = self.string(r["seed"], "result.seed")
        self.res_strata = []
        for i, st in enumerate(self.arr(r["strata"], "result.strata")):
            w = "result.strata[%d]" % i
            st = self.obj(st, w, ["name", "pool", "quota"])
            self.res_strata.append((self.string(st["name"], w), self.count(st["pool"], w + ".pool"),
                                    self.count(st["quota"], w + ".quota")))
        self.res_visits = []
        for i, v in enumerate(self.arr(r["visits"], "result.visits")):
            w = "result.visits[%d]" % i
            v = self.obj(v, w, ["code", "stratum", "key"], ["team", "skips", "shortfalls"])
            team = []
            for j, m in enumerate(self.arr(v["team"], w + ".team")):
                m = self.obj(m, "%s.team[%d]" % (w, j), ["inspector", "department", "role", "key"])
                team.append(tuple(self.string(m[k], w + ".team." + k) for k in ("inspector", "department", "role", "key")))
            skips = []
            for j, m in enumerate(self.arr(v["skips"], w + ".skips")):
                m = self.obj(m, "%s.skips[%d]" % (w, j), ["inspector", "department", "role", "reason"], ["commitment"])
                skips.append(tuple(self.string(m[k], w + ".skips." + k)
                                   for k in ("inspector", "department", "role", "reason", "commitment")))
            shorts = []
            for j, m in enumerate(self.arr(v["shortfalls"], w + ".shortfalls")):
                m = self.obj(m, "%s.shortfalls[%d]" % (w, j), ["role", "missing"], ["department"])
                shorts.append((self.string(m["role"], w + ".shortfalls.role"),
                               self.string(m["department"], w + ".shortfalls.department"),
                               self.count(m["missing"], w + ".shortfalls.missing", 1)))
            self.res_visits.append({"code": self.string(v["code"], w + ".code"),
                                    "stratum": self.string(v["stratum"], w + ".stratum"),
                                    "key": self.string(v["key"], w + ".key"),
                                    "team": team, "skips": skips, "shortfalls": shorts})

    # -- step 1: canonical forms and snapshots -------------------------------

    def check_canonical(self):
        a, c = self.a, self.canon
        c(is_identifier(a["draw"]), "announcement.draw", a["draw"])
        for k in ("task", "batch", "title", "public_value"):
            c(is_text(a[k]), "announcement." + k, a[k])
        c(is_time(a["announced_at"]), "announcement.announced_at", a["announced_at"])
        for k in ("window_start", "window_end"):
            c(is_date(a[k]), "announcement." + k, a[k])
        if is_date(a["window_start"]) and is_date(a["window_end"]) and a["window_start"] > a["window_end"]:
            self.diff("announcement", "window", "window_start is after window_end")
        for k in ("pool_hash", "roster_hash"):
            c(is_hash(a[k]), "announcement." + k, a[k])
        c(a["supersedes"] == "" or is_identifier(a["supersedes"]), "announcement.supersedes", a["supersedes"])
        c(a["rounding"] in ROUNDINGS, "announcement.rounding", a["rounding"])
        names = [s["name"] for s in self.strata]
        for s in self.strata:
            c(is_identifier(s["name"]), "stratum", s["name"])
            c(is_ratio(s["ratio"]), "stratum %s ratio" % s["name"], s["ratio"])
        self.ascending("announcement.strata", "stratum", names)
        t = self.team
        for d, _ in t["departments"]:
            c(is_identifier(d), "announcement.team.departments", d)
        self.ascending("announcement.team.departments", "department", [d for d, _ in t["departments"]])
        if t["lead"] not in [d for d, _ in t["departments"]]:
            self.diff("announcement", "team.lead", "lead %r is not one of the team departments" % t["lead"])
        for p in self.parties:
            c(is_identifier(p), "announcement.parties", p)
        self.ascending("announcement.parties", "party", self.parties)
        if not self.parties and a["public_value"] == "":
            self.diff("announcement", "entropy", "neither a party nor a public value is announced")
        c(is_hash(self.announcement_hash), "announcement_hash", self.announcement_hash)

        for x in self.businesses:
            ref = "business " + x["code"]
            c(is_code(x["code"]), ref + " code", x["code"])
            c(is_text(x["name"]), ref + " name", x["name"])
            c(is_identifier(x["stratum"]), ref + " stratum", x["stratum"])
            c(x["industry"] == "" or is_label(x["industry"]), ref + " industry", x["industry"])
            for v in x["last_inspectors"]:
                c(is_identifier(v), ref + " last_inspectors", v)
        for x in self.pool_excl:
            ref = "excluded business " + x["code"]
            c(is_code(x["code"]), ref + " code", x["code"])
            c(is_identifier(x["reason"]), ref + " reason", x["reason"])
            c(is_text(x["detail"]), ref + " detail", x["detail"])
        self.dups("pool", "code", [x["code"] for x in self.businesses] + [x["code"] for x in self.pool_excl])

        for x in self.inspectors:
            ref = "inspector " + x["id"]
            c(is_identifier(x["id"]), ref + " id", x["id"])
            c(is_identifier(x["department"]), ref + " department", x["department"])
            c(is_text(x["name"]), ref + " name", x["name"])
            c(is_text(x["cert_no"]), ref + " cert_no", x["cert_no"])
            c(x["cert_expiry"] == "" or is_date(x["cert_expiry"]), ref + " cert_expiry", x["cert_expiry"])
            for v in x["labels"]:
                c(is_label(v), ref + " labels", v)
            for v in x["conflicts"]:
                c(is_hash(v), ref + " conflicts", v)
        for x in self.roster_excl:
            ref = "excluded inspector " + x["id"]
            c(is_identifier(x["id"]), ref + " id", x["id"])
            c(is_identifier(x["department"]), ref + " department", x["department"])
            c(is_identifier(x["reason"]), ref + " reason", x["reason"])
            c(is_text(x["detail"]), ref + " detail", x["detail"])
        self.dups("roster", "id", [x["id"] for x in self.inspectors] + [x["id"] for x in self.roster_excl])

    def ascending(self, ref, what, items):
        """The announcement's lists are frozen in canonical order (§6, §13)."""
        for prev, cur in zip(items, items[1:]):
            if by_bytes(prev) >= by_bytes(cur):
                self.diff("canonical", ref, "%s %s is not after %s (ascending, no duplicates)" % (what, cur, prev))

    def dups(self, ref, what, items):
        seen = set()
        for v in items:
            if v in seen:
                self.diff("duplicate", ref, "%s %s appears more than once" % (what, v))
            seen.add(v)

    def pool_text(self):
        lines = [VERSION + "/pool\n"]
        for x in sorted(self.businesses, key=lambda x: by_bytes(x["code"])):
            lines.append("b\t%s\t%s\t%s\t%s\t%s\n" % (x["code"], x["stratum"], x["industry"],
                                                     list_text(x["last_inspectors"]), x["name"]))
        for x in sorted(self.pool_excl, key=lambda x: by_bytes(x["code"])):
            lines.append("x\t%s\t%s\t%s\n" % (x["code"], x["reason"], x["detail"]))
        return "".join(lines)

    def roster_text(self):
        lines = [VERSION + "/roster\n"]
        for x in sorted(self.inspectors, key=lambda x: by_bytes(x["id"])):
            lines.append("i\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                x["id"], x["department"], x["cert_no"], x["cert_expiry"], "1" if x["expert"] else "0",
                list_text(x["labels"]), list_text(x["conflicts"]), x["name"]))
        for x in sorted(self.roster_excl, key=lambda x: by_bytes(x["id"])):
            lines.append("x\t%s\t%s\t%s\t%s\n" % (x["id"], x["department"], x["reason"], x["detail"]))
        return "".join(lines)

    def check_snapshots(self):
        a = self.a
        h = sha256_hex(self.pool_text().encode("utf-8"))
        if h != a["pool_hash"]:
            self.diff("pool_hash", "", "pool snapshot hash differs", h, a["pool_hash"])
        for k, n in (("pool_size", len(self.businesses)), ("pool_excluded", len(self.pool_excl)),
                     ("roster_size", len(self.inspectors)), ("roster_excluded", len(self.roster_excl))):
            if n != a[k]:
                self.diff(k, "", "count differs", n, a[k])
        h = sha256_hex(self.roster_text().encode("utf-8"))
        if h != a["roster_hash"]:
            self.diff("roster_hash", "", "roster snapshot hash differs", h, a["roster_hash"])
        per = {}
        for x in self.businesses:
            per[x["stratum"]] = per.get(x["stratum"], 0) + 1
        announced = {s["name"]: s["pool"] for s in self.strata}
        for name in sorted(set(per) | set(announced), key=by_bytes):
            if name not in announced:
                self.diff("stratum", name, "businesses of the pool are in a stratum the announcement does not name")
            elif per.get(name, 0) != announced[name]:
                self.diff("stratum", name, "pool size of the stratum differs", per.get(name, 0), announced[name])

    # -- step 2: announcement -------------------------------------------------

    def announcement_text(self):
        a, t = self.a, self.team
        out = [VERSION + "/announcement\n",
               "draw\t%s\n" % a["draw"], "task\t%s\n" % a["task"], "batch\t%s\n" % a["batch"],
               "title\t%s\n" % a["title"], "announced\t%s\n" % a["announced_at"],
               "window\t%s\t%s\n" % (a["window_start"], a["window_end"]),
               "pool\t%s\t%d\t%d\n" % (a["pool_hash"], a["pool_size"], a["pool_excluded"]),
               "roster\t%s\t%d\t%d\n" % (a["roster_hash"], a["roster_size"], a["roster_excluded"])]
        for s in sorted(self.strata, key=lambda s: by_bytes(s["name"])):
            out.append("stratum\t%s\t%s\t%d\t%d\n" % (s["name"], s["ratio"], s["minimum"], s["pool"]))
        out.append("rounding\t%s\n" % a["rounding"])
        for d, n in sorted(t["departments"], key=lambda d: by_bytes(d[0])):
            out.append("department\t%s\t%d\n" % (d, n))
        out += ["lead\t%s\n" % t["lead"], "officers\t%d\n" % t["officers"], "cap\t%d\n" % t["cap"],
                "expert\t%s\n" % ("1" if t["expert"] else "0")]
        for p in sorted(self.parties, key=by_bytes):
            out.append("party\t%s\n" % p)
        out += ["public\t%s\n" % a["public_value"], "supersedes\t%s\n" % a["supersedes"]]
        return "".join(out)

    # -- steps 3 and 4: entropy and seed -------------------------------------

    def check_entropy(self, ah):
        published = {}
        for party, c in self.commitments:
            if party in published:
                self.diff("commitment", party, "party has more than one commitment")
            published[party] = c
            if party not in self.parties:
                self.diff("commitment", party, "commitment of a party the announcement does not name")
        revealed = {}
        for party, secret in self.reveals:
            if party in revealed:
                self.diff("reveal", party, "party has more than one reveal")
            revealed[party] = secret
            if party not in self.parties:
                self.diff("reveal", party, "reveal of a party the announcement does not name")
        secrets = {}
        for party in sorted(set(self.parties), key=by_bytes):
            if party not in published:
                self.diff("commitment", party, "no commitment published")
            if party not in revealed:
                self.diff("reveal", party, "no reveal")
                continue
            sx = revealed[party]
            if HEX_RE.fullmatch(sx) is None:
                self.diff("reveal", party, "secret is not lowercase hex: %r" % sx)
                continue
            secret = bytes.fromhex(sx)
            if not MIN_SECRET <= len(secret) <= MAX_SECRET:
                self.diff("reveal", party, "secret has %d bytes, not %d to %d" % (len(secret), MIN_SECRET, MAX_SECRET))
            secrets[party] = sx
            if party in published:
                want = commitment(ah, party, secret)
                if want != published[party]:
                    self.diff("commitment", party, "the revealed secret does not open the published commitment",
                              want, published[party])
        ks = None
        if self.a["public_value"] == "":
            if self.public is not None:
                self.diff("public_value", "", "bundle has a public value the announcement does not name")
        elif self.public is None:
            self.diff("public_value", "", "the announced public value is missing")
        else:
            sources, got = self.public
            if not sources:
                self.diff("public_value", "", "no sources")
            for s in sources:
                self.canon(is_text(s) and s != "", "public_value source", s)
            try:
                ks = key_string(sources)
            except ValueError as e:
                self.diff("public_value", "", str(e))
                ks = got
            else:
                if ks != got:
                    self.diff("public_value", "key_string", "RFC 3797 key string differs", ks, got)
        lines = [VERSION + "/entropy\n", "announcement\t%s\n" % ah]
        for party in sorted(secrets, key=by_bytes):
            lines.append("reveal\t%s\t%s\n" % (party, secrets[party]))
        if ks is not None:
            lines.append("public\t%s\n" % ks)
        return "".join(lines), ks

    # -- steps 5 and 6: selection and teams -----------------------------------

    def select(self, seed):
        by_stratum = {}
        for x in self.businesses:
            by_stratum.setdefault(x["stratum"], []).append(x)
        strata, visits = {}, []
        rounding = self.a["rounding"]
        for s in self.strata:
            members = by_stratum.get(s["name"], [])
            if not is_ratio(s["ratio"]) or rounding not in ROUNDINGS:
                continue
            k = quota(len(members), s["ratio"], rounding, s["minimum"])
            strata[s["name"]] = (len(members), k)
            keyed = sorted(((entity_key(seed, s["name"], x["code"]), by_bytes(x["code"]), x) for x in members),
                           key=lambda t: (t[0], t[1]))
            visits += keyed[:k]
        visits.sort(key=lambda t: (t[0], t[1]))
        return strata, [(key, x) for key, _, x in visits]

    def declared_conflicts(self):
        """§12.4: (inspector, code) → commitment."""
        commits = {x["id"]: set(x["conflicts"]) for x in self.inspectors}
        declared = {}
        if self.salts is not None:
            opened = set()
            for s in self.salts:
                c = conflict_commitment(s["salt"], s["code"])
                if c not in commits.get(s["inspector"], ()):
                    self.diff("conflict", "%s %s" % (s["inspector"], s["code"]),
                              "the salt opens no commitment of that inspector's frozen roster entry", c, None)
                    continue
                declared[(s["inspector"], s["code"])] = c
                opened.add((s["inspector"], c))
            for ins, cs in sorted(commits.items()):
                for c in sorted(cs):
                    if (ins, c) not in opened:
                        self.notes.append("note: conflict commitment %s of %s is not opened by the salts" % (c, ins))
            return declared
        cited = {}
        for v in self.res_visits:
            for ins, _, _, reason, c in v["skips"]:
                if reason != "conflict":
                    continue
                if c not in commits.get(ins, ()):
                    self.diff("conflict", "%s %s" % (ins, v["code"]),
                              "cited commitment %s is not in the inspector's frozen conflicts" % (c or "(none)"))
                    continue
                if c in cited and cited[c] != v["code"]:
                    self.diff("conflict", ins, "commitment %s is cited for two businesses (%s, %s)" % (c, cited[c], v["code"]))
                    continue
                cited[c] = v["code"]
                declared[(ins, v["code"])] = c
        return declared

    def teams(self, seed, picks, conflicts):
        t = self.team
        window_end = self.a["window_end"]
        workload = {}

        def certified(x):
            return x["cert_no"] != "" and x["cert_expiry"] != "" and x["cert_expiry"] >= window_end

        out = []
        for key, biz in picks:
            code = biz["code"]
            keys = {x["id"]: inspector_key(seed, code, x["id"]) for x in self.inspectors}
            team, skips, shorts, in_team = [], [], [], set()

            def rank(cands):
                return sorted(cands, key=lambda x: (keys[x["id"]], by_bytes(x["id"])))

            def walk(ranking, start, need, role):
                i, joined = start, 0
                while joined < need and i < len(ranking):
                    x = ranking[i]
                    i += 1
                    reason, commit = "", ""
                    if role == "expert" and x["id"] in in_team:
                        reason = "in_team"
                    elif role == "officer" and not certified(x):
                        reason = "not_certified"
                    elif (x["id"], code) in conflicts:
                        reason, commit = "conflict", conflicts[(x["id"], code)]
                    elif x["id"] in biz["last_inspectors"]:
                        reason = "last_inspector"
                    elif t["cap"] > 0 and workload.get(x["id"], 0) >= t["cap"]:
                        reason = "workload_cap"
                    if reason:
                        skips.append((x["id"], x["department"], role, reason, commit))
                        continue
                    team.append((x["id"], x["department"], role, keys[x["id"]].hex()))
                    in_team.add(x["id"])
                    workload[x["id"]] = workload.get(x["id"], 0) + 1
                    joined += 1
                return i, joined

            rankings, stopped = {}, {}
            for d, n in sorted(t["departments"], key=lambda d: by_bytes(d[0])):
                rankings[d] = rank([x for x in self.inspectors if x["department"] == d])
                stopped[d], joined = walk(rankings[d], 0, n, "officer")
                if joined < n:
                    shorts.append(("officer", d, n - joined))
            if len(team) < t["officers"] and t["lead"] in rankings:
                need = t["officers"] - len(team)
                _, joined = walk(rankings[t["lead"]], stopped[t["lead"]], need, "officer")
                if joined < need:
                    shorts.append(("officers", t["lead"], need - joined))
            if t["expert"]:
                ind = biz["industry"]
                experts = rank([x for x in self.inspectors if x["expert"] and ind != "" and ind in x["labels"]])
                _, joined = walk(experts, 0, 1, "expert")
                if joined < 1:
                    shorts.append(("expert", "", 1))
            out.append({"code": code, "stratum": biz["stratum"], "key": key.hex(),
                        "team": team, "skips": skips, "shortfalls": shorts})
        return out

    def compare_result(self, strata, visits):
        got = {}
        for name, pool, q in self.res_strata:
            if name in got:
                self.diff("strata", name, "stratum listed twice in the result")
            got[name] = (pool, q)
        for name in sorted(set(strata) | set(got), key=by_bytes):
            if name not in got:
                self.diff("strata", name, "stratum missing from the result")
            elif name not in strata:
                self.diff("strata", name, "result has a stratum the announcement does not name")
            elif strata[name] != got[name]:
                self.diff("quota", name, "stratum pool/quota differs", "%d/%d" % strata[name], "%d/%d" % got[name])
        want = {v["code"]: (i, v) for i, v in enumerate(visits)}
        have = {}
        for i, v in enumerate(self.res_visits):
            if v["code"] in have:
                self.diff("selection", v["code"], "business is drawn twice in the bundle")
            have.setdefault(v["code"], (i, v))
        for code in [v["code"] for v in visits]:
            if code not in have:
                w = want[code][1]
                self.diff("selection", code, "business of stratum %s is drawn by the recomputation (key %s) but missing "
                          "from the bundle" % (w["stratum"], w["key"]))
        for v in self.res_visits:
            if v["code"] not in want:
                self.diff("selection", v["code"], "business in the bundle (stratum %s) is not drawn by the "
                          "recomputation" % v["stratum"])
        common = [v["code"] for v in visits if v["code"] in have]
        bundle_order = [v["code"] for v in self.res_visits if v["code"] in want]
        if common != bundle_order:
            for i, (w, g) in enumerate(zip(common, bundle_order)):
                if w != g:
                    self.diff("order", g, "visit order differs from position %d on" % (i + 1), w, g)
                    break
        for code in common:
            w, g = want[code][1], have[code][1]
            if w["stratum"] != g["stratum"]:
                self.diff("stratum", code, "visit stratum differs", w["stratum"], g["stratum"])
            if w["key"] != g["key"]:
                self.diff("key", code, "business key differs", w["key"], g["key"])
            self.compare_list("team", code, w["team"], g["team"], ("inspector", "department", "role", "key"))
            self.compare_list("skip", code, w["skips"], g["skips"],
                              ("inspector", "department", "role", "reason", "commitment"))
            self.compare_list("shortfall", code, w["shortfalls"], g["shortfalls"], ("role", "department", "missing"))

    def compare_list(self, what, code, want, got, fields):
        def show(t):
            return " ".join("%s=%s" % (f, v) for f, v in zip(fields, t) if v != "")

        for i in range(max(len(want), len(got))):
            w = want[i] if i < len(want) else None
            g = got[i] if i < len(got) else None
            if w != g:
                self.diff(what, code, "%s %d differs" % (what, i + 1),
                          "[%s]" % show(w) if w else "(none)", "[%s]" % show(g) if g else "(none)")
                return

    # -- all of it ----------------------------------------------------------

    def run(self):
        self.read()
        self.check_canonical()
        self.check_snapshots()
        text = self.announcement_text()
        ah = sha256_hex(text.encode("utf-8"))
        if ah != self.announcement_hash:
            self.diff("announcement_hash", "", "announcement hash differs", ah, self.announcement_hash)
        entropy_text, ks = self.check_entropy(ah)
        seed = seed_of(entropy_text)
        if seed.hex() != self.res_seed:
            self.diff("seed", "", "seed differs", seed.hex(), self.res_seed)
        strata, picks = self.select(seed)
        visits = self.teams(seed, picks, self.declared_conflicts())
        self.compare_result(strata, visits)
        unstaffed = sum(1 for v in visits if v["shortfalls"])
        return ("draw %s agrees with docs/draw-spec.md: seed %s, %d businesses in the pool (%d excluded), "
                "%d drawn in %d strata, %d not fully staffed, %d reveals%s"
                % (self.a["draw"], seed.hex(), len(self.businesses), len(self.pool_excl), len(visits),
                   len(strata), unstaffed, len(self.reveals), ", public value " + ks if ks else ""))


# ---------------------------------------------------------------------------
# Self-test: the single-function vectors of docs/draw-spec.md §3, §8, §11


def self_test():
    checks = [
        (canonical_text("  \u57a3\u66f2\u53bf\u3000 \u8001\u8857\t\u996d\u5e97 "), "垣曲县 老街 饭店"),
        (canonical_text("Cafe\u0301"), "Café"),
        (canonical_text("\uff21\uff11"), "Ａ１"),
        (canonical_text("a\u200bb\u0007c"), "abc"),
        (canonical_text("a \u200b b\u0085c"), "a b c"),
        ([parse_ratio(s) for s in ("1/20", "0.05", "5%", "2/4", "12.5%", "1", "0")],
         ["1/20", "1/20", "1/20", "1/2", "1/8", "1/1", "0/1"]),
        (key_string(["9319", "2 5 12 8 10", "9 18 26 34 41 45"]), "9319./2.5.8.10.12./9.18.26.34.41.45./"),
        (key_string(["03 07 12 19 25 31", "09"]), "3.7.12.19.25.31./9./"),
        (key_string(["２０２６０２５期", "007, 7, 0"]), "2026025./0.7.7./"),
        (key_string(["Dow Jones: 44,296.51", "ｓｈ６０００００"]), "DOWJONES4429651./SH600000./"),
        (rfc3797_select("9319./2.5.8.10.12./9.18.26.34.41.45./", 25, 10), [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]),
        ([quota(*q) for q in ((0, "1/10", "ceil", 2), (101, "1/100", "ceil", 0), (101, "1/100", "floor", 0),
                              (150, "1/100", "half_up", 0), (149, "1/100", "half_up", 0), (10, "1/20", "floor", 3),
                              (2, "1/20", "floor", 3), (1000001, "3/10", "ceil", 0))],
         [0, 2, 1, 2, 1, 3, 2, 300001]),
        (conflict_commitment("a1b2c3d4e5f60718293a4b5c6d7e8f90", "91140827N10005072M"),
         "30100717cc55fff9dcfe465aa757c617ec48cd64692b482c7a3ac1c5105c6d93"),
    ]
    bad = 0
    for i, (got, want) in enumerate(checks, 1):
        if got != want:
            bad += 1
            print("self-test %d: got %r, want %r" % (i, got, want))
    for s in ("1.5", "1e-2"):
        try:
            parse_ratio(s)
        except ValueError:
            continue
        bad += 1
        print("self-test: ratio %r should be refused" % s)
    if bad:
        return 1
    print("self-test: %d checks of docs/draw-spec.md vectors agree (RFC 3797 picks 17 7 2 16 25 …)" % (len(checks) + 2))
    return 0


def load_json(path):
    def no_dup(pairs):
        obj = {}
        for k, v in pairs:
            if k in obj:
                raise Bad("duplicate member %r" % k)
            obj[k] = v
        return obj

    def no_const(name):
        raise Bad("%s is not JSON" % name)

    with open(path, "rb") as f:
        data = f.read()
    return json.loads(data.decode("utf-8"), object_pairs_hook=no_dup, parse_constant=no_const)


def read_salts(path):
    v = load_json(path)
    if not isinstance(v, list):
        raise Bad("salts file is not a JSON array")
    out = []
    for i, s in enumerate(v):
        if not isinstance(s, dict) or set(s) != {"inspector", "code", "salt"} or \
                not all(isinstance(x, str) for x in s.values()):
            raise Bad("salts[%d] is not {\"inspector\", \"code\", \"salt\"}" % i)
        if HEX_RE.fullmatch(s["salt"]) is None or len(s["salt"]) < 32:
            raise Bad("salts[%d].salt is not lowercase hex of at least 16 bytes" % i)
        out.append(s)
    return out


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    args, salts_path = [], None
    i = 1
    while i < len(argv):
        if argv[i] == "--conflict-salts" and i + 1 < len(argv):
            salts_path = argv[i + 1]
            i += 2
            continue
        args.append(argv[i])
        i += 1
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        salts = read_salts(salts_path) if salts_path else None
        v = Verifier(load_json(args[0]), salts)
        summary = v.run()
    except (OSError, ValueError, Bad) as e:
        print("cannot verify %s: %s" % (args[0], e))
        return 2
    for n in v.notes:
        print(n)
    if v.diffs:
        for d in v.diffs:
            print(d)
        print("FAIL: %d difference(s) between the bundle and the recomputation" % len(v.diffs))
        return 1
    print("OK: " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
