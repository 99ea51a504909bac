#!/usr/bin/env python3
"""http_server.py - the HTTP endpoints dist-discover's tests talk to.

Serves the fixture files of tests/fixtures/discover/ on 127.0.0.1 and a
few misbehaving paths, the way a Kubernetes API server, Consul or a
plain JSON endpoint would answer. Writes its port to PORTFILE once it
listens, and each request line (path and whether a bearer token came)
to LOGFILE.

With CERT and KEY (PEM files) it serves HTTPS instead.

usage: http_server.py FIXTURE_DIR PORTFILE LOGFILE [CERT KEY]
"""
import http.server
import os
import socketserver
import ssl
import sys
import time
import urllib.parse

FIXTURES, PORTFILE, LOGFILE = sys.argv[1:4]
K8S_TOKEN = "k8s-test-token"
BEARER = "secret-bearer-token"
ROUTES = {
    "/list": "list.json",
    "/endpointslices": "endpointslices.json",
    "/endpoints": "endpoints.json",
    "/v1/catalog/service/app": "consul.json",
    "/notjson": "notjson.txt",
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def fixture(self, name):
        with open(os.path.join(FIXTURES, name), "rb") as f:
            return f.read()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        auth = self.headers.get("Authorization", "")
        with open(LOGFILE, "a") as log:
            log.write("%s auth=%s\n" % (self.path, "yes" if auth else "no"))
        if url.path in ROUTES:
            self.send(200, self.fixture(ROUTES[url.path]))
        elif url.path == "/forbidden":
            self.send(403, self.fixture("forbidden.json"))
        elif url.path == "/bearer":
            if auth != "Bearer " + BEARER:
                self.send(401, b'{"message": "no valid token"}')
            else:
                self.send(200, self.fixture("list.json"))
        elif url.path.startswith("/apis/discovery.k8s.io/v1/namespaces/"):
            self.kubernetes(url, auth)
        elif url.path == "/truncated":
            # Promise more than is sent, then close: a cut body.
            body = self.fixture("endpointslices.json")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif url.path == "/huge":
            # No Content-Length: only the byte count can stop it.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"[" + b'"a@b",' * 10000
            try:
                for _ in range(2000):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif url.path == "/slow":
            time.sleep(5)
            self.send(200, b"[]")
        else:
            self.send(404, b'{"message": "not found"}')

    def kubernetes(self, url, auth):
        ns = url.path.split("/")[5]
        if auth != "Bearer " + K8S_TOKEN:
            self.send(401, b'{"kind":"Status","message":"Unauthorized","code":401}')
        elif ns == "forbidden":
            self.send(403, self.fixture("forbidden.json"))
        elif url.path.endswith("/endpointslices"):
            self.send(200, self.fixture("endpointslices.json"))
        else:
            self.send(404, b'{"message": "not found"}')


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) > 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = PORTFILE + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
