package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/incidents/stream}: server-sent events, one {@code incident} event per incident
 * state: first the open ones, then each state as it reaches this instance; a comment every 15 s
 * keeps proxies from closing the connection.
 */
final class IncidentStream implements Consumer<HttpExchange> {
  /** Streams held open at once; each holds a server thread. */
  static final int MAX_STREAMS = 8;

  private static final long HEARTBEAT_SECONDS = 15;

  private final IncidentFeed feed;
  private final Supplier<List<Incident>> open;

  IncidentStream(IncidentFeed feed, Supplier<List<Incident>> open) {
    this.feed = requireNonNull(feed, "feed");
    this.open = requireNonNull(open, "open");
  }

  @Override
  public void accept(HttpExchange exchange) {
    try (exchange) {
      if (feed.subscribers() >= MAX_STREAMS) {
        byte[] body =
            "{\"error\":{\"status\":503,\"message\":\"too many incident streams\"}}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Retry-After", "5");
        exchange.sendResponseHeaders(503, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      BlockingQueue<byte[]> queue = feed.subscribe();
      try {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<Incident> current;
        try {
          current = open.get();
        } catch (RuntimeException e) {
          current = List.of(); // state not ready: the stream still delivers what comes
        }
        for (Incident incident : current) {
          send(out, IncidentJson.write(incident));
        }
        out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
          byte[] next = queue.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
          if (next == null) {
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          } else {
            send(out, next);
          }
          out.flush();
        }
      } finally {
        feed.unsubscribe(queue);
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(OutputStream out, byte[] json) throws IOException {
    out.write("event: incident\ndata: ".getBytes(StandardCharsets.UTF_8));
    out.write(json); // one line: JSON without newlines
    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
  }
}
