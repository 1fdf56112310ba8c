# SPDX-License-Identifier: GPL-2.0-or-later
# The workload of the tapset_net* and netfilter* tests: loopback traffic
# of known shape.  The loopback device is brought up first (a guest's
# init leaves it down).  UDP: 3 datagrams of 5 bytes ("hello") from
# 127.0.0.1 to 127.0.0.1:7001, each received.  TCP: a connection to
# 127.0.0.1:7002, 4 bytes ("ping") sent and received, then closed.
# "drop": 2 more datagrams to 127.0.0.1:7003 and the number of them that
# arrived within 1 s printed (netfilter_drop.stp drops them).
import fcntl
import socket
import struct
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 1


def loopback_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0))
    flags = struct.unpack("16sH22x", ifr)[1]
    if not flags & IFF_UP:
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo",
                                                   flags | IFF_UP))
    s.close()


def udp(port, count, timeout):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", port))
    rx.settimeout(timeout)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(count):
        tx.sendto(b"hello", ("127.0.0.1", port))
    got = 0
    try:
        for _ in range(count):
            rx.recv(100)
            got += 1
    except socket.timeout:
        pass
    tx.close()
    rx.close()
    return got


def tcp(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = ls.accept()
    c.sendall(b"ping")
    data = b""
    while len(data) < 4:
        data += a.recv(4 - len(data))
    c.close()
    a.close()
    ls.close()


loopback_up()
udp(7001, 3, 5)
tcp(7002)
if sys.argv[1:] == ["drop"]:
    print("arrived %d of 2" % udp(7003, 2, 1))
