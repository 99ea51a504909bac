#!/usr/bin/env python3
"""Misbehaving peers for the failure-mode tests, on loopback only.

  peer.py silent PORTFILE           accept connections, never answer
  peer.py garbage PORTFILE          accept, send bytes no node would send
  peer.py servfail PORTFILE         a DNS server (UDP) that answers every
                                    question with SERVFAIL, which dnsmasq
                                    cannot be told to do
  peer.py names PORTFILE FILE       an EPMD that answers every request
                                    with the bytes of FILE (a NAMES
                                    reply real epmd cannot be made to
                                    send: not UTF-8, cut, huge), then
                                    closes
  peer.py register NAME EPMDPORT PORT
                                    register NAME at PORT with the real
                                    epmd (ALIVE2_REQ) and keep the
                                    registration open; nothing listens
                                    on PORT

Real nodes cannot be made to misbehave like this, so these stand in for
a black-holed port, a non-Erlang service and a stale EPMD entry. Each
listener writes its port to PORTFILE once it listens.
"""
import os
import socket
import struct
import sys
import threading
import time


def listen(portfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    return srv


def silent(portfile):
    srv = listen(portfile)
    held = []
    while True:
        conn, _ = srv.accept()
        held.append(conn)  # keep it open, say nothing


def garbage(portfile):
    srv = listen(portfile)

    def serve(conn):
        try:
            conn.recv(4096)
            # A u16 length that frames an 'X' message: not a status.
            conn.sendall(b"\x00\x05XHTTP")
            time.sleep(5)
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def servfail(portfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", 0))
    import os
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    while True:
        q, addr = srv.recvfrom(512)
        if len(q) < 12:
            continue
        # Same id and question; QR set, RD copied, RA set, RCODE 2.
        flags = 0x8000 | (q[2] << 8 & 0x0100) | 0x0080 | 2
        srv.sendto(q[:2] + struct.pack(">H", flags) + q[4:6] +
                   b"\0\0\0\0\0\0" + q[12:], addr)


def names(portfile, path):
    srv = listen(portfile)
    reply = open(path, "rb").read()

    def serve(conn):
        try:
            conn.recv(64)
            conn.sendall(reply)
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def register(name, epmd_port, port):
    s = socket.create_connection(("127.0.0.1", int(epmd_port)))
    # The bytes of the argument, even when they are not UTF-8.
    nm = os.fsencode(name)
    body = struct.pack(">BHBBHHH", 120, int(port), 77, 0, 6, 6, len(nm))
    body += nm + struct.pack(">H", 0)
    s.sendall(struct.pack(">H", len(body)) + body)
    reply = s.recv(16)
    if not reply or reply[1] != 0:
        sys.exit("epmd refused the registration: %r" % (reply,))
    print("registered", flush=True)
    while s.recv(1):
        pass


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "silent":
        silent(sys.argv[2])
    elif mode == "garbage":
        garbage(sys.argv[2])
    elif mode == "servfail":
        servfail(sys.argv[2])
    elif mode == "names":
        names(sys.argv[2], sys.argv[3])
    elif mode == "register":
        register(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: peer.py silent|garbage|servfail PORTFILE | names PORTFILE FILE | register NAME EPMDPORT PORT")
