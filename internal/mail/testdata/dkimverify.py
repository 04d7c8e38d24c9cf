#!/usr/bin/python3
"""Verify every DKIM-Signature of each message file with dkimpy (Debian's
python3-dkim), an implementation independent of the one herald signs with.

Usage: dkimverify.py NAME=TXT... -- FILE...
The keys come from the arguments (NAME is <selector>._domainkey.<domain>),
never from DNS. Prints one line per signature:
    <file> <index> pass|fail <selector> <algorithm>
and "<file> none" for a message without a signature."""
import sys

import dkim
from dkim.util import parse_tag_value

sep = sys.argv.index("--")
records = dict(a.split("=", 1) for a in sys.argv[1:sep])


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    value = records.get(name.rstrip("."))
    return value.encode() if value is not None else None


for path in sys.argv[sep + 1:]:
    with open(path, "rb") as f:
        msg = f.read()
    d = dkim.DKIM(msg)
    sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
    if not sigs:
        print(path, "none")
    for i, sig in enumerate(sigs):
        tags = parse_tag_value(sig)
        try:
            ok = dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            print("error:", path, i, e, file=sys.stderr)
            ok = False
        print(path, i, "pass" if ok else "fail", tags[b"s"].decode(), tags[b"a"].decode())
