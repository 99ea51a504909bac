#!/usr/bin/env python3
"""A connecting peer that misbehaves after (or instead of) a correct
handshake, for the tests of the accepting side (dist-node).

  dist_client.py garbage PORT              send bytes no node sends
  dist_client.py oversize PORT NAME DIALLED COOKIEFILE
                                           handshake, then announce a
                                           frame of 2 GiB
  dist_client.py silent PORT NAME DIALLED COOKIEFILE SECONDS
                                           handshake, then say nothing
                                           (no ticks) for SECONDS

Prints what happened on stdout ("closed", "open", "handshake ok") so a
test can tell whether the node cut it. Loopback only.
"""
import hashlib
import socket
import struct
import sys
import time

MANDATORY = 0x403070F94 | 0x4000000


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("closed")
        data += chunk
    return data


def recv_msg(s):
    (n,) = struct.unpack(">H", recv_exact(s, 2))
    return recv_exact(s, n)


def send_msg(s, payload):
    s.sendall(struct.pack(">H", len(payload)) + payload)


def handshake(port, name, dialled, cookie):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    # send_name 'N': flags, creation, name
    send_msg(s, b"N" + struct.pack(">QIH", MANDATORY, 7, len(name)) + name)
    status = recv_msg(s)
    if status != b"sok":
        raise RuntimeError("status %r" % status)
    ch = recv_msg(s)
    flags, challenge, creation, nlen = struct.unpack(">QIIH", ch[1:19])
    if ch[19:19 + nlen] != dialled:
        raise RuntimeError("challenge names %r" % ch[19:19 + nlen])
    digest = hashlib.md5(cookie + str(challenge).encode()).digest()
    send_msg(s, b"r" + struct.pack(">I", 42) + digest)
    ack = recv_msg(s)
    if ack != b"a" + hashlib.md5(cookie + b"42").digest():
        raise RuntimeError("bad ack")
    return s


def closed_within(s, seconds):
    s.settimeout(seconds)
    try:
        while True:
            if not s.recv(65536):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "garbage":
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)) * 4)
        print("closed" if closed_within(s, 10) else "open")
        return
    name, dialled = sys.argv[3].encode(), sys.argv[4].encode()
    cookie = open(sys.argv[5], "rb").read().strip()
    s = handshake(port, name, dialled, cookie)
    print("handshake ok", flush=True)
    if mode == "oversize":
        s.sendall(struct.pack(">I", 0x7FFFFFFF) + b"\x70" * 1000)
        print("closed" if closed_within(s, 10) else "open")
    elif mode == "silent":
        # Swallow the node's ticks, answer none.
        print("closed" if closed_within(s, float(sys.argv[6])) else "open")


if __name__ == "__main__":
    main()
