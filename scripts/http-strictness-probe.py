import socket, sys, json
cases = [
 ("Transfer-Encoding + Content-Length", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
 ("chunked not last (chunked, gzip)", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
 ("chunked twice", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
 ("unknown coding (foo)", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo\r\n\r\n"),
 ("Transfer-Encoding in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
 ("duplicate Content-Length (equal)", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
 ("duplicate Content-Length (different)", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx"),
 ("Content-Length: +1", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx"),
 ("Content-Length: -1", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nx"),
 ("Content-Length: 1 1", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 1\r\n\r\nx"),
 ("Content-Length overflow (2^64+1)", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551617\r\n\r\nx"),
 ("obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n  folded\r\n\r\n"),
 ("bare CR in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"),
 ("bare LF line ends", b"GET / HTTP/1.1\nHost: a\n\n"),
 ("space before the colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
 ("non-token name (Ho\"st)", b"GET / HTTP/1.1\r\nHo\"st: a\r\n\r\nX"),
 ("CTL in a value (0x01)", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n"),
 ("DEL in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n"),
 ("NUL in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00z\r\n\r\n"),
 ("bad chunk size (zz)", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
 ("space after chunk size", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nx\r\n0\r\n\r\n"),
 ("chunk data longer than its size", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxx\r\n0\r\n\r\n"),
 ("bad chunk extension (1;)", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\nx\r\n0\r\n\r\n"),
 ("missing Host (HTTP/1.1)", b"GET / HTTP/1.1\r\n\r\n"),
 ("duplicate Host", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
 ("HTTP/2.0 request line", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
 ("head above 16 KiB", b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a"*17000 + b"\r\n\r\n"),
 ("request-target above 8 KiB", b"GET /" + b"a"*9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n"),
 ("data after Connection: close", b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
]
port = int(sys.argv[1])
res = []
for name, data in cases:
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(2)
    try: s.sendall(data)
    except Exception: pass
    buf = b""
    try:
        while True:
            d = s.recv(65536)
            if not d: break
            buf += d
    except socket.timeout: buf += b"<timeout>"
    except ConnectionResetError: buf += b"<reset>"
    s.close()
    st = [l.split(b" ")[1].decode() for l in buf.split(b"\r\n") if l.startswith(b"HTTP/1.")]
    r = "+".join(st) if st else ("reset" if b"<reset>" in buf else ("no answer" if b"<timeout>" in buf else "close"))
    if b"<timeout>" in buf and st: r += " (kept open)"
    res.append((name, r))
json.dump(res, open(sys.argv[2], "w"))
