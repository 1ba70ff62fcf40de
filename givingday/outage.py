"""An endpoint that can be taken away and given back: a TCP relay in front of a server (the
object store), for the tests and `chaos` that stop the warehouse's S3 endpoint for a while.

    with endpoint_relay("127.0.0.1", 9000) as relay:  # clients use relay.url instead of :9000
        relay.stop()    # every open connection is reset, every new one refused with a reset
        relay.resume()  # connections are relayed again

A stopped relay behaves as an endpoint that went away does: the client's connection is
reset (RST, not a clean close), so a client's retry logic meets what a real outage gives it.

The relay runs in a process of its own (`python -m givingday.outage TARGET_HOST TARGET_PORT`,
stopped by SIGUSR1, resumed by SIGUSR2). In the caller's process its threads would starve:
delta-rs holds the interpreter lock while it waits for the endpoint, so a relay thread
beside it never gets to forward the answer.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import struct
import subprocess
import sys
import threading

from givingday.browser import stop


def _refuse(sock: socket.socket) -> None:
    """Close with a reset (SO_LINGER 0), as a vanished server's host answers."""
    _abort(sock)
    sock.close()


def _abort(sock: socket.socket) -> None:
    """Make the socket's close send a reset (SO_LINGER 0), and wake the pump blocked reading
    it (SHUT_RD sends nothing). A plain close() from another thread would not: the blocked
    recv keeps the socket alive, the client's next request on it is read and never answered,
    and the client hangs until its read timeout instead of meeting a reset."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass


class Relay:
    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1", port: int = 0):
        self.target = (target_host, target_port)
        self._listener = socket.create_server((host, port))
        self.host, self.port = self._listener.getsockname()[:2]
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Relay:
        threading.Thread(target=self._accept, name="relay-accept", daemon=True).start()
        return self

    def stop(self) -> None:
        """The endpoint goes away: reset every open connection, refuse new ones."""
        self._up.clear()
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            _abort(sock)  # its pump wakes and closes it: a reset

    def resume(self) -> None:
        self._up.set()

    def _accept(self) -> None:
        while True:
            client, _ = self._listener.accept()
            if not self._up.is_set():
                _refuse(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                _refuse(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side ends or the relay stops; then end both (HTTP
        needs no half-close): wake the other pump first, then close (a FIN, or after
        `_abort` a reset)."""
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        with self._lock:
            self._open.difference_update((source, sink))
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass
            sock.close()


class _RelayProcess:
    def __init__(self, process: subprocess.Popen, url: str):
        self.process, self.url = process, url

    def stop(self) -> None:
        self._signal(signal.SIGUSR1)

    def resume(self) -> None:
        self._signal(signal.SIGUSR2)

    def _signal(self, number: int) -> None:
        self.process.send_signal(number)
        if self.process.stdout.readline().strip() not in ("stopped", "resumed"):
            raise RuntimeError("the relay did not answer")


@contextlib.contextmanager
def endpoint_relay(target_host: str, target_port: int, port: int = 0):
    """A relay process in front of target; yields it (`url`, `stop()`, `resume()`)."""
    process = subprocess.Popen([sys.executable, "-m", "givingday.outage", target_host, str(target_port), str(port)],
                               stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError("the relay did not start")
        yield _RelayProcess(process, url)
    finally:
        stop(process)


def main(argv: list[str]) -> None:
    """Serve until SIGTERM; SIGUSR1 stops the relay, SIGUSR2 resumes it, each answered by a line.

    The signals are blocked in every thread (before any is started, so all inherit it) and
    taken synchronously by the main thread (`sigwait`). With handlers instead, the kernel may
    deliver a signal to a relay thread: the main thread then slept on in `pause()`, the
    handler never ran, and the caller waited for its answer for ever (seen once the relay
    carried a crowd's connections)."""
    wanted = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    relay = Relay(argv[0], int(argv[1]), port=int(argv[2]) if len(argv) > 2 else 0).start()
    print(relay.url, flush=True)
    while (received := signal.sigwait(wanted)) != signal.SIGTERM:
        if received == signal.SIGUSR1:
            relay.stop()
            print("stopped", flush=True)
        else:
            relay.resume()
            print("resumed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
