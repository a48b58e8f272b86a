"""LoopbackService: the lifecycle every test peer shares — an HTTP server on 127.0.0.1
served from a daemon thread, start()/stop(), a context manager, and the bound port.
Subclasses set self._port (0: any free port) and implement _make_server().
serve_until_terminated(): the command line's main loop every peer with a CLI shares."""
import signal
import threading
import time


class LoopbackService:
    thread_name = "loopback-peer"
    _server = None
    _port = 0

    def _make_server(self):
        raise NotImplementedError

    def start(self):
        self._server = self._make_server()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1] if self._server else self._port


def serve_until_terminated(url, stop):
    """Prints the service's URL on stdout, then serves until Ctrl-C or SIGTERM (`kill PID`
    ends it like Ctrl-C); stop() runs either way."""
    def _stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _stop)
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
