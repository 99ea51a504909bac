#!/usr/bin/env python3
"""Broken and malicious peers, on loopback only, for tests/85-hostile-peers.

Listeners (write their port to PORTFILE once they listen, serve every
connection the same way, in a thread each):

  hostile_peer.py all COOKIEFILE DIR       every case below at once, in one
                                           process: DIR/epmd-CASE.port,
                                           DIR/node-CASE.port

  hostile_peer.py epmd CASE PORTFILE       a fake EPMD
    garbage     an HTTP error page instead of a reply
    port2-lie   PORT2_RESP "ok" whose name length says 65535 and extra
                length 65535, then silence with the socket open
    port2-flood a valid PORT2_RESP followed by 8 MiB of junk
    names-flood a NAMES reply that never ends ("name nN at port N" lines)
    trickle     a NAMES reply one byte every 0.2 s, never ending

  hostile_peer.py node CASE COOKIEFILE PORTFILE   a fake node (accepting side)
    stall       reads our send_name, never answers
    trickle     answers every handshake message and the first request one
                byte at a time (0.01 s apart), correctly: the probe succeeds
    hs-lie      status ok, then a challenge whose u16 length says 65535
                and only 30 bytes of it, then silence
    hs-cut      status ok, half a challenge, close
    frame-lie   valid handshake (it knows the cookie and computes the
                digests), then a frame header of 0xfffffff0 bytes
    frame-cut   valid handshake, half a frame, close
    tick-flood  valid handshake, then ticks as fast as the socket takes
                them, never reading
    deep        valid handshake, then an answer nested 100 000 deep
    huge-list   valid handshake, then a list that declares 2^32-1
                elements and holds three
    huge-bin    valid handshake, then a binary that declares 4 GiB - 16
    zip-big     valid handshake, then a COMPRESSED term that declares
                100 MiB (over any --max-size under it) and does inflate
                to it
    zip-lie     valid handshake, then a COMPRESSED term that declares
                1000 bytes and inflates to 50 MiB

Clients of dist-node's accepting side (print "closed" when the node cut
the connection within 30 s, "open" otherwise):

  hostile_peer.py client CASE[,CASE...] PORT [NAME DIALLED COOKIEFILE]
    stall       connect, say nothing
    trickle     send_name one byte a second
    hs-lie      a handshake length of 65535 and 100 bytes of it
    frame-lie   handshake, then a frame header of 0xfffffff0 bytes
    tick-flood  handshake, then 5 s of ticks as fast as they go, never
                reading: prints "sent N" as well
    deep, huge-list, huge-bin, zip-big, zip-lie
                handshake, then that term as a message to a pid
  hostile_peer.py flood PORT N SECONDS
                open N connections at once, hold them SECONDS, print how
                many the node accepted and how many it had closed
"""
import os
import socket
import struct
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dist_client import MANDATORY, closed_within, handshake, recv_exact, recv_msg  # noqa: E402


def listen(portfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    return srv


def serve_forever(srv, fn):
    while True:
        conn, _ = srv.accept()

        def run(c=conn):
            try:
                fn(c)
            except (EOFError, OSError):
                pass
            finally:
                c.close()

        threading.Thread(target=run, daemon=True).start()


def trickle(conn, data, gap):
    for i in range(len(data)):
        conn.sendall(data[i:i + 1])
        time.sleep(gap)


def hold(conn):
    """Stay connected, reading nothing more, until the peer leaves."""
    conn.settimeout(120)
    while conn.recv(65536):
        pass


# --- terms -----------------------------------------------------------------

def atom(name):
    b = name.encode()
    return bytes([119, len(b)]) + b


BOMBS = {}
BOMB_CASES = ("deep", "huge-list", "huge-bin", "zip-big", "zip-lie")


def bomb(case):
    """The message term (without the version byte) of a term bomb, made
    once (compressing 100 MiB takes a while)."""
    if case not in BOMBS:
        BOMBS[case] = make_bomb(case)
    return BOMBS[case]


def make_bomb(case):
    if case == "deep":
        return b"\x68\x01" * 100000 + b"\x6a"
    if case == "huge-list":
        return b"\x6c" + struct.pack(">I", 0xFFFFFFFF) + b"\x61\x01" * 3 + b"\x6a"
    if case == "huge-bin":
        return b"\x6d" + struct.pack(">I", 0xFFFFFFF0) + b"x" * 64
    if case == "zip-big":
        size = 100 * 1024 * 1024
        inner = b"\x6d" + struct.pack(">I", size - 5)
        z = zlib.compressobj(9)
        data = z.compress(inner) + z.compress(bytes(size - 5)) + z.flush()
        return b"\x50" + struct.pack(">I", size) + data
    if case == "zip-lie":
        inner = b"\x6d" + struct.pack(">I", 50 * 1024 * 1024) + bytes(50 * 1024 * 1024)
        return b"\x50" + struct.pack(">I", 1000) + zlib.compress(inner, 9)
    raise SystemExit("no such bomb: " + case)


def bomb_frame(case, to_pid):
    """A SEND of the bomb to to_pid (the ETF bytes of a pid), framed."""
    control = b"\x83\x68\x03\x61\x02" + atom("") + to_pid
    payload = b"\x70" + control + b"\x83" + bomb(case)
    return struct.pack(">I", len(payload)) + payload


class Term:
    """Just enough ETF reading to find the caller's pid and tag in a
    request: each term is kept as its own bytes."""

    def __init__(self, data, at):
        self.data, self.at = data, at

    def u(self, n):
        v = int.from_bytes(self.data[self.at:self.at + n], "big")
        self.at += n
        return v

    def bytes_of(self, n):
        """Skip a length of n bytes and that many bytes."""
        length = self.u(n)
        self.at += length

    def skip(self):
        """Skip one term; return (tag, start, end, children)."""
        start, tag = self.at, self.data[self.at]
        self.at += 1
        kids = []
        if tag == 97:
            self.at += 1
        elif tag == 98:
            self.at += 4
        elif tag in (100, 118):
            self.bytes_of(2)
        elif tag in (115, 119):
            self.bytes_of(1)
        elif tag in (104, 105):
            for _ in range(self.u(1 if tag == 104 else 4)):
                kids.append(self.skip())
        elif tag == 106:
            pass
        elif tag == 107:
            self.bytes_of(2)
        elif tag == 108:
            for _ in range(self.u(4) + 1):
                kids.append(self.skip())
        elif tag == 109:
            self.bytes_of(4)
        elif tag == 88:
            self.skip()
            self.at += 12
        elif tag == 90:
            n = self.u(2)
            self.skip()
            self.at += 4 + 4 * n
        else:
            raise ValueError("tag %d" % tag)
        return (tag, start, self.at, kids)


def answer_request(frame):
    """Our reply to a ping (gen_call to net_kernel) or an rpc (to rex),
    as a framed SEND to the caller: {Tag, yes} or {rex, ok}."""
    t = Term(frame, 2)                          # 'p', 131
    t.skip()                                    # the control tuple
    t.at += 1                                   # 131
    msg = t.skip()
    raw = lambda k: frame[k[1]:k[2]]            # noqa: E731
    if msg[0] == 104 and raw(msg[3][0]) == atom("$gen_call"):
        frm = msg[3][1]
        pid, tag = raw(frm[3][0]), raw(frm[3][1])
        reply = b"\x68\x02" + tag + atom("yes")
    else:                                       # {FromPid, {call, ...}}
        pid = raw(msg[3][0])
        reply = b"\x68\x02" + atom("rex") + atom("ok")
    payload = b"\x70\x83\x68\x03\x61\x02" + atom("") + pid + b"\x83" + reply
    return struct.pack(">I", len(payload)) + payload


def msg16(payload):
    return struct.pack(">H", len(payload)) + payload


# --- fake EPMD -------------------------------------------------------------

def epmd(case, conn):
    conn.recv(1024)
    if case == "garbage":
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        time.sleep(1)
    elif case == "port2-lie":
        conn.sendall(bytes([119, 0]) + struct.pack(">HBBHHH", 4000, 77, 0, 6, 6, 65535) + b"abc")
        hold(conn)
    elif case == "port2-flood":
        conn.sendall(bytes([119, 0]) + struct.pack(">HBBHHH", 4000, 77, 0, 6, 6, 1) + b"a"
                     + struct.pack(">H", 0) + os.urandom(8 * 1024 * 1024))
        hold(conn)
    elif case == "names-flood":
        conn.sendall(struct.pack(">I", 4369))
        line, i = b"", 0
        while True:
            chunk = b"".join(b"name n%d at port %d\n" % (i + k, 1024 + (i + k) % 60000)
                             for k in range(1000))
            i += 1000
            conn.sendall(chunk)
    elif case == "trickle":
        trickle(conn, struct.pack(">I", 4369), 0.2)
        while True:
            trickle(conn, b"name slow at port 4000\n", 0.2)
    else:
        raise SystemExit("no such epmd case: " + case)


# --- fake node -------------------------------------------------------------

def node(case, cookie, conn):
    import hashlib
    gap = 0.01 if case == "trickle" else 0
    send = (lambda d: trickle(conn, d, gap)) if gap else conn.sendall
    name = recv_msg(conn)
    if case == "stall":
        hold(conn)
        return
    if name[0:1] != b"N":
        raise SystemExit("send_name %r" % name[:1])
    send(msg16(b"sok"))
    if case == "hs-lie":
        conn.sendall(struct.pack(">H", 65535) + b"N" + b"\0" * 29)
        hold(conn)
        return
    me = b"evil@127.0.0.1"
    challenge = 0x1234567
    chal = b"N" + name[1:9] + struct.pack(">II", challenge, 1) + struct.pack(">H", len(me)) + me
    if case == "hs-cut":
        conn.sendall(msg16(chal)[:12])
        return
    send(msg16(chal))
    reply = recv_msg(conn)                      # 'r', challenge, digest
    if reply[5:21] != hashlib.md5(cookie + str(challenge).encode()).digest():
        raise SystemExit("the connector does not know the cookie")
    (theirs,) = struct.unpack(">I", reply[1:5])
    send(msg16(b"a" + hashlib.md5(cookie + str(theirs).encode()).digest()))
    # The request: one frame (skip the ticks).
    while True:
        (n,) = struct.unpack(">I", recv_exact(conn, 4))
        if n:
            frame = recv_exact(conn, n)
            break
    if case == "trickle":
        send(answer_request(frame))
        hold(conn)
    elif case == "frame-lie":
        conn.sendall(struct.pack(">I", 0xFFFFFFF0) + b"\x70" * 100)
        hold(conn)
    elif case == "frame-cut":
        conn.sendall(answer_request(frame)[:20])
    elif case == "tick-flood":
        tick = bytes(4 * 16384)
        while True:
            conn.sendall(tick)
    else:
        conn.sendall(bomb_frame(case, caller_pid(frame)))
        hold(conn)


def caller_pid(frame):
    t = Term(frame, 2)
    t.skip()
    t.at += 1
    msg = t.skip()
    first = msg[3][0]
    if first[0] == 88:                          # rex: {FromPid, Call}
        return frame[first[1]:first[2]]
    frm = msg[3][1][3][0]                       # {'$gen_call', {Pid, Tag}, _}
    return frame[frm[1]:frm[2]]


# --- clients of dist-node --------------------------------------------------

def client(case, port, args):
    if case == "stall":
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        print("closed" if closed_within(s, 30) else "open")
        return
    if case == "trickle":
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        data = msg16(b"N" + struct.pack(">QIH", MANDATORY, 7, 4) + b"slow")
        try:
            for i in range(len(data)):
                s.sendall(data[i:i + 1])
                if closed_within(s, 1):
                    print("closed")
                    return
        except OSError:
            print("closed")
            return
        print("closed" if closed_within(s, 30) else "open")
        return
    if case == "hs-lie":
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(struct.pack(">H", 65535) + b"N" + b"\xff" * 99)
        print("closed" if closed_within(s, 30) else "open")
        return
    name, dialled = args[0].encode(), args[1].encode()
    cookie = open(args[2], "rb").read().strip()
    s = handshake(port, name, dialled, cookie)
    print("handshake ok", flush=True)
    if case == "frame-lie":
        s.sendall(struct.pack(">I", 0xFFFFFFF0) + b"\x70" * 100)
    elif case == "tick-flood":
        s.setblocking(False)
        sent, end, tick = 0, time.monotonic() + 5, bytes(4 * 16384)
        closed = False
        while time.monotonic() < end:
            try:
                sent += s.send(tick) // 4
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                closed = True
                break
        print("sent %d" % sent)
        s.setblocking(True)
        print("closed" if closed or closed_within(s, 1) else "open")
        return
    else:
        # To the pid of mailbox 1 of the node we dialled (it need not
        # exist: the node decodes before it routes).
        pid = b"\x58" + atom(dialled.decode()) + struct.pack(">III", 1, 0, 1)
        s.sendall(bomb_frame(case, pid))
    print("closed" if closed_within(s, 30) else "open")


def flood(port, n, seconds):
    socks, refused = [], 0
    for _ in range(n):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            refused += 1
    time.sleep(seconds)
    closed = 0
    for s in socks:
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print("opened %d closed %d refused %d" % (len(socks), closed, refused))


EPMD_CASES = ("garbage", "port2-lie", "port2-flood", "names-flood", "trickle")
NODE_CASES = ("stall", "trickle", "hs-lie", "hs-cut", "frame-lie", "frame-cut",
              "tick-flood", "deep", "huge-list", "huge-bin", "zip-big", "zip-lie")


def serve_all(cookie, directory):
    """Every listener in one process (starting Python is slow on a loaded
    machine): DIR/epmd-CASE.port and DIR/node-CASE.port."""
    for case in NODE_CASES:
        if case in BOMB_CASES:
            bomb(case)
    for role, cases, fn in (("epmd", EPMD_CASES, lambda k, c: epmd(k, c)),
                            ("node", NODE_CASES, lambda k, c: node(k, cookie, c))):
        for case in cases:
            srv = listen(os.path.join(directory, "%s-%s.port" % (role, case)))
            threading.Thread(target=serve_forever,
                             args=(srv, lambda c, k=case, f=fn: f(k, c)),
                             daemon=True).start()
    while True:
        time.sleep(3600)


def main():
    role = sys.argv[1]
    if role == "all":
        serve_all(open(sys.argv[2], "rb").read().strip(), sys.argv[3])
    elif role == "epmd":
        case, portfile = sys.argv[2], sys.argv[3]
        serve_forever(listen(portfile), lambda c: epmd(case, c))
    elif role == "node":
        case, portfile = sys.argv[2], sys.argv[4]
        cookie = open(sys.argv[3], "rb").read().strip()
        if case in BOMB_CASES:
            bomb(case)
        serve_forever(listen(portfile), lambda c: node(case, cookie, c))
    elif role == "client":
        for case in sys.argv[2].split(","):
            client(case, int(sys.argv[3]), sys.argv[4:])
    elif role == "flood":
        flood(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
