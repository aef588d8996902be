package dev.underway.sandbox.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that holds every new connection for {@code delay} before it forwards
 * anything: a server whose connection set-up is slow (a busy server, a long TLS or SCRAM
 * handshake), while established connections are as fast as the server behind it.
 */
final class SlowProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Duration delay;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile Runnable beforeFirstRelease = () -> { };
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  /** Starts forwarding each connection once its delay is over (the slowness under test). */
  private final ScheduledExecutorService forwarder = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "slow-proxy-forward");
    t.setDaemon(true);
    return t;
  });

  SlowProxy(int targetPort, Duration delay) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.delay = delay;
    this.acceptor = new Thread(this::acceptLoop, "slow-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /**
   * Runs {@code hook} once, on the proxy's thread, just before the first held connection is
   * forwarded: what it sees happened while every connection accepted so far was still held.
   */
  void beforeFirstRelease(Runnable hook) {
    beforeFirstRelease = hook;
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        sockets.add(client);
        forwarder.schedule(() -> forward(client), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void forward(Socket client) {
    if (released.compareAndSet(false, true)) {
      beforeFirstRelease.run();
    }
    try {
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(upstream);
      for (Runnable pump : List.<Runnable>of(() -> pump(client, upstream),
          () -> pump(upstream, client))) {
        Thread t = new Thread(pump, "slow-proxy-pump");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException closed) {
      // either side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    forwarder.shutdownNow();
    sockets.forEach(SlowProxy::closeQuietly);
  }
}
