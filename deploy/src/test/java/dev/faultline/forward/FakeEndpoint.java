package dev.faultline.forward;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server standing in for a webhook or Alertmanager: records every POST and answers with
 * the status the test sets.
 */
final class FakeEndpoint implements AutoCloseable {
  record Request(String path, String contentType, String incidentHeader, byte[] body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);

  FakeEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          requests.add(
              new Request(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestHeaders().getFirst("X-Faultline-Incident-Id"),
                  body));
          int answer = status.get();
          byte[] reply = answer < 300 ? new byte[0] : "not now".getBytes();
          exchange.sendResponseHeaders(answer, reply.length == 0 ? -1 : reply.length);
          if (reply.length > 0) {
            exchange.getResponseBody().write(reply);
          }
          exchange.close();
        });
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  void answer(int httpStatus) {
    status.set(httpStatus);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
