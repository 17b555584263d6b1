"""`custodiet scan`: ask the devices of your own network who they are, within the scope you name.

scope.py is the one guard of every connection and datagram; limits.py the global rate and the
per-host concurrency; wire.py bounded reads; probes.py the requests (read-only identity
questions, never a login, an exploit or a video request); discovery.py the multicast discovery
of --local-discovery; engine.py runs them over the scope and writes each probe's request and
reply (model.probe) to a replies file. Identification happens elsewhere: the replies file is an
input like any other (sources/scan_replies.py), read by the same audit pipeline.

Why no httpx, zeroconf or async-upnp-client: the replies file must hold the exact bytes each
device sent (malformed heads included, which h11 rejects), every connection must pass the guard
(these clients connect, resolve and follow on their own), and a zeroconf instance is a full mDNS
responder that would also answer others' queries. The protocols asked here are one request and
one bounded reply each, so asyncio streams and datagrams do it in a few lines; reading the
replies reuses the capture reader's parsers (dpkt for DNS), and SNMPv3 privacy uses
`cryptography`'s AES.
"""
