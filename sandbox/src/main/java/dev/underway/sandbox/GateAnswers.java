package dev.underway.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Lines typed at the terminal, read on a daemon thread so the sandbox keeps watching the run
 * (and someone may approve from the CLI or UI instead).
 */
final class GateAnswers implements AutoCloseable {
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread reader;

  private GateAnswers(BufferedReader in) {
    reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the terminal went away: decisions can still come from the CLI or UI
      }
    }, "sandbox-gate-answers");
    reader.setDaemon(true);
  }

  static GateAnswers start(BufferedReader in) {
    GateAnswers a = new GateAnswers(in);
    a.reader.start();
    return a;
  }

  Optional<String> poll() {
    return Optional.ofNullable(lines.poll());
  }

  @Override
  public void close() {
    reader.interrupt();
  }
}
