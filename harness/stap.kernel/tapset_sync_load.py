# SPDX-License-Identifier: GPL-2.0-or-later
# The workload of tapset_sync*.stp: each step makes the kernel events
# the sync tapset reports happen once, in a known order.
import os
import pty
import signal
import threading
import time


def contended_mutex_cancelled_by_signal():
    """A writer blocks in a pty's write holding the tty's write mutex
    (nobody reads the other side); a second writer sleeps on that mutex
    and is killed: its wait ends without the lock, by a signal."""
    master, slave = pty.openpty()
    holder = os.fork()
    if holder == 0:
        os.write(slave, b"x" * (1 << 20))
        os._exit(0)
    time.sleep(0.5)
    waiter = os.fork()
    if waiter == 0:
        os.write(slave, b"y")
        os._exit(0)
    time.sleep(0.5)
    os.kill(waiter, signal.SIGTERM)
    os.waitpid(waiter, 0)
    os.kill(holder, signal.SIGKILL)
    os.waitpid(holder, 0)
    os.close(master)
    os.close(slave)


def futex_timeout():
    """A held lock acquired again with a timeout: a timed futex wait
    that ends by its timeout."""
    lock = threading.Lock()
    lock.acquire()
    lock.acquire(timeout=0.2)


def thread_yield_affinity():
    """One thread created and started; it yields and pins itself."""
    def body():
        os.sched_yield()
        os.sched_setaffinity(0, {0})
    t = threading.Thread(target=body)
    t.start()
    t.join()


contended_mutex_cancelled_by_signal()
futex_timeout()
thread_yield_affinity()
