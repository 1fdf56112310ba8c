# SPDX-License-Identifier: GPL-2.0-or-later
# The workload of tapset_vfs.stp: open, write, writev, pread, readv and
# close of /tmp/tapset_vfs.dat, with known sizes.
import os

path = "/tmp/tapset_vfs.dat"
fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_RDWR, 0o644)
os.write(fd, b"x" * 100)
os.writev(fd, [b"ab", b"cde"])
os.lseek(fd, 0, os.SEEK_SET)
os.read(fd, 10)
os.readv(fd, [bytearray(4), bytearray(6)])
os.read(fd, 1000)
os.close(fd)
os.unlink(path)
