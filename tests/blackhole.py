"""A TCP proxy on 127.0.0.1 that can turn into a black hole, as a phone's
link does when it walks out of Wi-Fi range: packets vanish, nothing is
closed, no RST is sent, and neither end is told anything.

    proxy = BlackholeProxy(server.port)    # proxy.base, proxy.ws_base
    proxy.blackhole()   # every byte, both ways, on every connection is dropped;
                        # new connections are accepted and black-holed too
    proxy.restore()     # new connections are forwarded again; the ones that
                        # were black-holed stay silent until close()
    proxy.close()

Stdlib only: one thread accepts, two threads per connection pump bytes.
A chunk already read before blackhole() was called may still be delivered,
like a packet that was on the wire before the link went down.
"""

import socket
import threading


class _Link:
    """One client connection and, unless it was black-holed from the start,
    its connection to the server. Once dead, it stays dead."""

    def __init__(self, client, upstream):
        self.client, self.upstream = client, upstream
        self.dead = upstream is None
        self.ended = 0   # directions that reached end of stream (live links)

    def sockets(self):
        return [s for s in (self.client, self.upstream) if s is not None]


class BlackholeProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.links = []
        self.holed = False
        self.closed = False
        self.lock = threading.Lock()
        self._spawn(self._accept_loop)

    # What the tests call ------------------------------------------------

    def blackhole(self):
        """From now on, drop every byte on every connection, old and new."""
        with self.lock:
            self.holed = True
            for link in self.links:
                link.dead = True

    def restore(self):
        """Forward new connections again; black-holed ones stay dead."""
        with self.lock:
            self.holed = False

    def close(self):
        with self.lock:
            self.closed = True
            links, self.links = self.links, []
        for sock in [self.listener] + [s for link in links for s in link.sockets()]:
            _hang_up(sock)   # wakes the threads blocked in accept() or recv()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Inside ---------------------------------------------------------------

    @staticmethod
    def _spawn(target, *args):
        threading.Thread(target=target, args=args, daemon=True).start()

    def _accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return   # close() shut the listener
            with self.lock:
                holed = self.holed
            upstream = None
            if not holed:
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                    upstream.settimeout(None)
                except OSError:
                    _hang_up(client)   # the server is down: refuse, as it would
                    continue
            link = _Link(client, upstream)
            with self.lock:
                if self.closed:
                    _hang_up(client)
                    if upstream is not None:
                        _hang_up(upstream)
                    return
                # blackhole() may have come in while we were connecting
                link.dead = link.dead or self.holed
                self.links.append(link)
            self._spawn(self._pump, link, client, upstream)
            if upstream is not None:
                self._spawn(self._pump, link, upstream, client)

    def _pump(self, link, source, destination):
        """Copy source → destination while the link lives; read and drop
        everything once it is dead. A dead link passes on no end of stream
        and no error: its other end never learns anything."""
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = None   # reset, or closed by close()
            if link.dead:
                if not data:
                    return   # nothing more will come; say nothing
                continue     # dropped
            if data:
                try:
                    destination.sendall(data)
                    continue
                except OSError:
                    data = None
            if data is None:   # an error on a live link: end it both ways
                for sock in link.sockets():
                    _hang_up(sock)
                return
            # end of stream on a live link: pass it on
            try:
                destination.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            with self.lock:
                link.ended += 1
                both = link.ended == 2
            if both:
                for sock in link.sockets():
                    _hang_up(sock)
            return


def _hang_up(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
