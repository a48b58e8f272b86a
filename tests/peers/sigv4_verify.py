#!/usr/bin/python3
"""Independent AWS Signature Version 4 verifier (Python standard library: hmac, hashlib).

Written from AWS's documented algorithm ("Create a signed AWS API request",
Signature Version 4), not from libcurl's code, so a test can check what
libcurl's CURLOPT_AWS_SIGV4 produced:

  CanonicalRequest = Method \\n CanonicalURI \\n CanonicalQuery \\n
                     CanonicalHeaders \\n SignedHeaders \\n HashedPayload
    CanonicalURI     each path segment URI-encoded (non-S3 services encode twice:
                     the path as it appears on the wire is encoded once more)
    CanonicalQuery   name=value pairs, URI-encoded, sorted by name then value
    CanonicalHeaders lowercase(name):trim(value with runs of spaces collapsed)\\n,
                     sorted by name; repeated headers joined with ','
    SignedHeaders    the lowercase names, sorted, joined with ';'
    HashedPayload    hex SHA-256 of the body (or x-amz-content-sha256 when sent)
  StringToSign     = "AWS4-HMAC-SHA256" \\n AmzDate \\n
                     <date>/<region>/<service>/aws4_request \\n hex SHA-256(CanonicalRequest)
  SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service),
                          "aws4_request")
  Signature        = hex HMAC(SigningKey, StringToSign)

API
  signing_key(secret, date, region, service) -> bytes
  canonical_request(method, path, query, headers, signed_headers, payload_hash, service) -> str
  string_to_sign(amz_date, scope, canonical_request) -> str
  sign(method, path, query, headers, body, access_key, secret, region, service, amz_date,
       signed_headers=None) -> (authorization header value, details dict)
  verify(method, raw_path, headers, body, credentials, region, service, now=None,
         required=("host", "x-amz-date"), max_skew_s=900) -> Verdict
    headers: list of (name, value) pairs as received (or a dict)
    credentials: {access_key_id: secret}
    Verdict: .ok, .code ("MissingAuthenticationToken", "IncompleteSignature",
             "UnrecognizedClient", "InvalidSignature", "SignatureExpired"), .reason,
             .access_key, .signed_headers (list), .session_token (value or None),
             .session_token_signed (bool), .canonical_request, .string_to_sign

CLI: sigv4_verify.py --self-test   checks AWS's published example vectors.
"""
import datetime
import hashlib
import hmac
import re
import sys
import urllib.parse

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_UNRESERVED = "-_.~"


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def uri_encode(s, keep_slash=False):
    """AWS's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ as %XY (uppercase hex)."""
    return urllib.parse.quote(s, safe=_UNRESERVED + ("/" if keep_slash else ""))


def canonical_uri(path, service):
    if not path:
        return "/"
    if service == "s3":
        return uri_encode(urllib.parse.unquote(path), keep_slash=True)
    # Other services: normalise the path, then encode each (already encoded) segment again.
    segs = []
    for seg in path.split("/"):
        if seg == "." or (seg == "" and segs):
            continue
        if seg == "..":
            if len(segs) > 1:
                segs.pop()
            continue
        segs.append(seg)
    out = "/".join(uri_encode(s) for s in segs)
    if not out.startswith("/"):
        out = "/" + out
    if path.endswith("/") and not out.endswith("/"):
        out += "/"
    return out


def canonical_query(query):
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote(k)), uri_encode(urllib.parse.unquote(v))))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def _norm_value(v):
    return re.sub(r"\s+", " ", v.strip())


def _header_map(headers):
    items = headers.items() if isinstance(headers, dict) else headers
    m = {}
    for k, v in items:
        m.setdefault(k.lower(), []).append(_norm_value(str(v)))
    return {k: ",".join(v) for k, v in m.items()}


def canonical_request(method, path, query, headers, signed_headers, payload_hash, service):
    hm = _header_map(headers)
    canon_headers = "".join("%s:%s\n" % (h, hm.get(h, "")) for h in signed_headers)
    return "\n".join([method.upper(), canonical_uri(path, service), canonical_query(query),
                      canon_headers, ";".join(signed_headers), payload_hash])


def string_to_sign(amz_date, scope, creq):
    return "\n".join([ALGORITHM, amz_date, scope, sha256_hex(creq)])


def sign(method, path, query, headers, body, access_key, secret, region, service, amz_date,
         signed_headers=None):
    """Signs a request (for tests of this module and of the verifier)."""
    hm = _header_map(headers)
    signed = sorted(signed_headers or hm.keys())
    payload_hash = hm.get("x-amz-content-sha256") or sha256_hex(body or b"")
    date = amz_date[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    creq = canonical_request(method, path, query, headers, signed, payload_hash, service)
    sts = string_to_sign(amz_date, scope, creq)
    sig = hmac.new(signing_key(secret, date, region, service), sts.encode(),
                   hashlib.sha256).hexdigest()
    auth = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, scope, ";".join(signed), sig)
    return auth, {"canonical_request": creq, "string_to_sign": sts, "signature": sig,
                  "signed_headers": signed, "scope": scope}


class Verdict:
    def __init__(self, ok, code=None, reason="", **kw):
        self.ok, self.code, self.reason = ok, code, reason
        self.access_key = kw.get("access_key")
        self.signed_headers = kw.get("signed_headers", [])
        self.session_token = kw.get("session_token")
        self.session_token_signed = kw.get("session_token_signed", False)
        self.canonical_request = kw.get("canonical_request")
        self.string_to_sign = kw.get("string_to_sign")

    def as_dict(self):
        return {"ok": self.ok, "code": self.code, "reason": self.reason,
                "access_key": self.access_key, "signed_headers": list(self.signed_headers),
                "session_token_present": self.session_token is not None,
                "session_token_signed": self.session_token_signed}

    def __repr__(self):
        return "Verdict(%r)" % self.as_dict()


_AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$")


def parse_authorization(value):
    m = _AUTH_RE.match(value or "")
    if not m:
        return None
    fields = {}
    for part in m.group(1).split(","):
        k, _, v = part.strip().partition("=")
        fields[k.strip()] = v.strip()
    if not all(k in fields for k in ("Credential", "SignedHeaders", "Signature")):
        return None
    return fields


def verify(method, raw_path, headers, body, credentials, region, service, now=None,
           required=("host", "x-amz-date"), max_skew_s=900):
    hm = _header_map(headers)
    path, _, query = raw_path.partition("?")
    auth = hm.get("authorization")
    if not auth:
        return Verdict(False, "MissingAuthenticationToken", "no Authorization header")
    f = parse_authorization(auth)
    if f is None:
        return Verdict(False, "IncompleteSignature", "Authorization is not AWS4-HMAC-SHA256 "
                       "with Credential, SignedHeaders and Signature")
    cred = f["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        return Verdict(False, "IncompleteSignature", "bad Credential scope")
    akid, cdate, cregion, cservice = cred[:4]
    signed = f["SignedHeaders"].split(";")
    kw = {"access_key": akid, "signed_headers": signed,
          "session_token": hm.get("x-amz-security-token"),
          "session_token_signed": "x-amz-security-token" in signed}
    if signed != sorted(signed) or any(h != h.lower() for h in signed):
        return Verdict(False, "IncompleteSignature", "SignedHeaders not sorted lowercase", **kw)
    for h in required:
        if h not in signed:
            return Verdict(False, "IncompleteSignature", "%s is not signed" % h, **kw)
    for h in signed:
        if h not in hm:
            return Verdict(False, "IncompleteSignature", "signed header %s is missing" % h, **kw)
    if "x-amz-security-token" in hm and "x-amz-security-token" not in signed:
        return Verdict(False, "IncompleteSignature", "x-amz-security-token is not signed", **kw)
    amz_date = hm.get("x-amz-date")
    if not amz_date or not re.match(r"^\d{8}T\d{6}Z$", amz_date):
        return Verdict(False, "IncompleteSignature", "x-amz-date missing or malformed", **kw)
    if cdate != amz_date[:8]:
        return Verdict(False, "InvalidSignature", "credential date != x-amz-date", **kw)
    if cregion != region or cservice != service:
        return Verdict(False, "InvalidSignature", "scope %s/%s, expected %s/%s"
                       % (cregion, cservice, region, service), **kw)
    t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    if now is not None and abs(now - t) > max_skew_s:
        return Verdict(False, "SignatureExpired", "x-amz-date too far from now", **kw)
    if akid not in credentials:
        return Verdict(False, "UnrecognizedClient", "unknown access key id", **kw)
    payload_hash = sha256_hex(body or b"")
    sent_hash = hm.get("x-amz-content-sha256")
    if sent_hash and sent_hash != "UNSIGNED-PAYLOAD" and sent_hash != payload_hash:
        return Verdict(False, "InvalidSignature", "x-amz-content-sha256 != body hash", **kw)
    if sent_hash:
        payload_hash = sent_hash
    creq = canonical_request(method, path, query, headers, signed, payload_hash, service)
    scope = "%s/%s/%s/aws4_request" % (cdate, cregion, cservice)
    sts = string_to_sign(amz_date, scope, creq)
    want = hmac.new(signing_key(credentials[akid], cdate, cregion, cservice), sts.encode(),
                    hashlib.sha256).hexdigest()
    kw.update(canonical_request=creq, string_to_sign=sts)
    if not hmac.compare_digest(want, f["Signature"]):
        return Verdict(False, "InvalidSignature", "signature mismatch", **kw)
    return Verdict(True, None, "ok", **kw)


# AWS's published examples: IAM ListUsers from the SigV4 documentation, and three cases of
# the aws-sig-v4-test-suite (get-vanilla, get-vanilla-query-order-key-case, post-vanilla).
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
VECTORS = [
    {"name": "iam-listusers", "method": "GET", "path": "/",
     "query": "Action=ListUsers&Version=2010-05-08", "service": "iam",
     "headers": [("Host", "iam.amazonaws.com"),
                 ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                 ("X-Amz-Date", "20150830T123600Z")],
     "canonical_request_sha256":
         "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
     "signing_key": "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
     "signature": "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
    {"name": "get-vanilla", "method": "GET", "path": "/", "query": "", "service": "service",
     "headers": [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
     "signing_key": "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75",
     "signature": "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
    {"name": "get-vanilla-query-order-key-case", "method": "GET", "path": "/",
     "query": "Param2=value2&Param1=value1", "service": "service",
     "headers": [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
     "signature": "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
    {"name": "post-vanilla", "method": "POST", "path": "/", "query": "", "service": "service",
     "headers": [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
     "signature": "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
]


def self_test():
    """Returns a list of failures (empty when every published vector matches)."""
    fails = []
    for v in VECTORS:
        auth, det = sign(v["method"], v["path"], v["query"], v["headers"], b"", "AKIDEXAMPLE",
                         EXAMPLE_SECRET, "us-east-1", v["service"], "20150830T123600Z")
        if det["signature"] != v["signature"]:
            fails.append("%s: signature %s" % (v["name"], det["signature"]))
        if "canonical_request_sha256" in v and \
                sha256_hex(det["canonical_request"]) != v["canonical_request_sha256"]:
            fails.append("%s: canonical request hash" % v["name"])
        if "signing_key" in v and signing_key(EXAMPLE_SECRET, "20150830", "us-east-1",
                                              v["service"]).hex() != v["signing_key"]:
            fails.append("%s: signing key" % v["name"])
        headers = list(v["headers"]) + [("Authorization", auth)]
        raw = v["path"] + ("?" + v["query"] if v["query"] else "")
        verdict = verify(v["method"], raw, headers, b"", {"AKIDEXAMPLE": EXAMPLE_SECRET},
                         "us-east-1", v["service"])
        if not verdict.ok:
            fails.append("%s: verify: %s" % (v["name"], verdict.reason))
    return fails


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        f = self_test()
        print("\n".join(f) if f else "all %d AWS example vectors match" % len(VECTORS))
        sys.exit(1 if f else 0)
    sys.stderr.write("usage: sigv4_verify.py --self-test\n")
    sys.exit(2)
