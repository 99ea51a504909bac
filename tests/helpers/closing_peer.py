#!/usr/bin/env python3
"""A distribution port that answers and hangs up in the same breath, on
loopback only, for the tests of input that arrives with the close.

  closing_peer.py status TEXT PORTFILE
        read our send_name, then send the status TEXT and close, in one
        go (a node refusing us with nok or not_allowed does that)
  closing_peer.py frame NODE COOKIEFILE PORTFILE
        complete the handshake as NODE, then send the challenge ack, a
        one-byte frame no node sends, and close, in one go

A real node rarely lines these up in one read; this one always does.
It writes its port to PORTFILE once it listens.
"""
import hashlib
import os
import socket
import struct
import sys
import threading


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def recv_msg(conn):
    (n,) = struct.unpack(">H", recv_exact(conn, 2))
    return recv_exact(conn, n)


def msg(payload):
    return struct.pack(">H", len(payload)) + payload


def last_words(conn, data):
    """Send data and close with the FIN in the same segment (corked), so
    the other side reads both in one go."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    conn.sendall(data)
    conn.close()


def status(conn, text):
    recv_msg(conn)                                  # send_name 'N'
    last_words(conn, msg(b"s" + text.encode()))


def frame(conn, node, cookie):
    name = recv_msg(conn)
    flags = name[1:9]                               # echo what we are offered
    challenge = 0x1234567
    conn.sendall(msg(b"sok") + msg(b"N" + flags + struct.pack(">II", challenge, 1)
                                   + struct.pack(">H", len(node)) + node.encode()))
    reply = recv_msg(conn)                          # 'r', challenge, digest
    (theirs,) = struct.unpack(">I", reply[1:5])
    # dist-ping sends its first ping right behind the reply. Read it:
    # closing with unread input would send a reset, not the FIN this
    # case is about.
    conn.settimeout(0.5)
    try:
        conn.recv(65536)
    except socket.timeout:
        pass
    conn.settimeout(None)
    ack = b"a" + hashlib.md5(cookie + str(theirs).encode()).digest()
    last_words(conn, msg(ack) + struct.pack(">I", 1) + b"\x00")


def main():
    mode, args, portfile = sys.argv[1], sys.argv[2:-1], sys.argv[-1]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    if mode == "frame":
        with open(args[1], "rb") as f:
            args = [args[0], f.read().strip()]

    def serve(conn):
        try:
            if mode == "status":
                status(conn, *args)
            else:
                frame(conn, *args)
        except (EOFError, OSError):
            pass
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
