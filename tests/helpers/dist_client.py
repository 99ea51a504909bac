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
  dist_client.py unlink PORT NAME DIALLED COOKIEFILE PID_ID CREATION
                                           handshake, LINK to the node's
                                           pid PID_ID, then UNLINK_ID 7:
                                           prints the UNLINK_ID_ACK seen

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


def atom(name):
    return b"\x77" + bytes([len(name)]) + name


def pid(node, num, creation):
    # NEW_PID_EXT: node, id, serial, creation
    return b"\x58" + atom(node) + struct.pack(">III", num, 0, creation)


def small_tuple(*elems):
    return b"\x68" + bytes([len(elems)]) + b"".join(elems)


def small_int(i):
    return b"\x61" + bytes([i])


def send_control(s, control):
    # pass-through: 112, then the control term with its version byte
    payload = b"\x70\x83" + control
    s.sendall(struct.pack(">I", len(payload)) + payload)


def next_frame(s):
    while True:
        (n,) = struct.unpack(">I", recv_exact(s, 4))
        if n:
            return recv_exact(s, n)
        s.sendall(b"\0\0\0\0")


def unlink(s, name, dialled, pid_id, creation):
    me = pid(name, 1, 7)
    box = pid(dialled, pid_id, creation)
    send_control(s, small_tuple(small_int(1), me, box))           # LINK
    send_control(s, small_tuple(small_int(35), small_int(7), me, box))
    frame = next_frame(s)
    # UNLINK_ID_ACK {36, Id, From, To}: From is the box, To is us.
    want = b"\x70\x83" + small_tuple(small_int(36), small_int(7), box, me)
    print("ack 7" if frame == want else "other %r" % frame)


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
    elif mode == "unlink":
        unlink(s, name, dialled, int(sys.argv[6]), int(sys.argv[7]))


if __name__ == "__main__":
    main()
