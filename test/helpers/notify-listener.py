#!/usr/bin/env python3
"""A stand-in for systemd's notify socket in the integration tests.

notify-listener.py SOCKET OUT SECONDS: binds a SOCK_DGRAM unix socket at SOCKET (a path,
or @name for an abstract one, as systemd writes it) and
appends every datagram received to OUT, one "msg: <text>" line per datagram with
newlines shown as '|'. Fds passed along (BARRIER=1's pipe) are closed at once, as
systemd does to acknowledge the barrier. Exits after BARRIER=1 or SECONDS.
"""
import array
import os
import socket
import sys
import time

path, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + path[1:] if path.startswith("@") else path)
with open(out + ".ready", "w"):
    pass
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        data, ancdata, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    except socket.timeout:
        break
    for level, kind, payload in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
            for fd in fds:
                os.close(fd)
    text = data.decode(errors="replace")
    with open(out, "a") as f:
        f.write("msg: " + text.replace("\n", "|") + "\n")
    if text.startswith("BARRIER=1"):
        break
