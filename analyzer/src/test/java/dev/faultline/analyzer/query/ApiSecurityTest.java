package dev.faultline.analyzer.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's protections: token, TLS, CORS, limits, and answers that never echo raw markup. */
class ApiSecurityTest {
  private static final String TOKEN = "s3cret-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();

  private static List<ApiServer.Route> routes() {
    return List.of(
        ApiServer.Route.of("/api/v1/graph", (groups, params) -> Response.json(200, List.of())),
        ApiServer.Route.of(
            "/api/v1/services/([^/]+)",
            (groups, params) -> {
              throw new ApiException(404, "no service '" + groups.get(0) + "' in the graph");
            }),
        ApiServer.Route.of(
            "/api/v1/paths",
            (groups, params) -> {
              params.durationMs("window", 1_000, 60_000);
              return Response.json(200, List.of(params.required("from")));
            }),
        ApiServer.Route.of("/health", (groups, params) -> Response.json(200, "UP")));
  }

  private static ApiServer start(ApiGuard.Options options) throws Exception {
    return ApiServer.start("127.0.0.1", 0, routes(), List.of(), options);
  }

  @Test
  void withATokenRequestsWithoutItGet401WithAChallengeAndAJsonError() throws Exception {
    try (ApiServer server = start(ApiGuard.Options.open().withToken(new Password(TOKEN)))) {
      HttpResponse<String> none = get(server, "/api/v1/graph", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"faultline\"");
      JsonNode error = JSON.readTree(none.body()).get("error");
      assertThat(error.get("status").asInt()).isEqualTo(401);
      assertThat(error.get("message").asText()).contains("bearer token");
      assertThat(none.body()).doesNotContain(TOKEN);

      HttpResponse<String> wrong = get(server, "/api/v1/graph", "Bearer " + TOKEN + "x");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_token\"");
      assertThat(get(server, "/api/v1/graph", TOKEN).statusCode())
          .as("the scheme is required")
          .isEqualTo(401);

      assertThat(get(server, "/api/v1/graph", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
      assertThat(get(server, "/api/v1/graph", "bearer  " + TOKEN + " ").statusCode())
          .isEqualTo(200);
      assertThat(get(server, "/health", null).statusCode()).as("probes stay open").isEqualTo(200);
      assertThat(get(server, "/nowhere", null).statusCode())
          .as("unknown paths do not tell whether they exist")
          .isEqualTo(401);
    }
  }

  @Test
  void withoutATokenEverythingIsOpenAndNoCorsHeadersAreSent() throws Exception {
    try (ApiServer server = start(ApiGuard.Options.open())) {
      HttpResponse<String> response =
          send(server, request(server, "/api/v1/graph").header("Origin", "https://evil.example"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      HttpResponse<String> preflight =
          send(
              server,
              request(server, "/api/v1/graph")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://evil.example")
                  .header("Access-Control-Request-Method", "GET"));
      assertThat(preflight.statusCode()).isEqualTo(405);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void corsAllowsOnlyTheConfiguredOriginsAndAnswersTheirPreflight() throws Exception {
    String grafana = "https://grafana.example";
    try (ApiServer server =
        start(
            ApiGuard.Options.open()
                .withToken(new Password(TOKEN))
                .withCorsOrigins(List.of(grafana)))) {
      HttpResponse<String> preflight =
          send(
              server,
              request(server, "/api/v1/graph")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", grafana)
                  .header("Access-Control-Request-Method", "GET")
                  .header("Access-Control-Request-Headers", "authorization"));
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(grafana);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("Authorization");

      HttpResponse<String> allowed =
          send(
              server,
              request(server, "/api/v1/graph")
                  .header("Origin", grafana)
                  .header("Authorization", "Bearer " + TOKEN));
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(grafana);
      assertThat(allowed.headers().allValues("Vary")).contains("Origin");

      HttpResponse<String> other =
          send(
              server,
              request(server, "/api/v1/graph")
                  .header("Origin", "https://evil.example")
                  .header("Authorization", "Bearer " + TOKEN));
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void aClientOverItsRateGets429WithRetryAfterAndOtherClientsAreNotHeldUp() throws Exception {
    try (ApiServer server = start(ApiGuard.Options.open().withRateLimit(1))) {
      int ok = 0;
      HttpResponse<String> limited = null;
      for (int i = 0; i < 30 && limited == null; i++) {
        HttpResponse<String> response = get(server, "/api/v1/graph", null);
        if (response.statusCode() == 429) {
          limited = response;
        } else {
          ok++;
        }
      }
      assertThat(ok).as("the burst").isBetween(10, 12);
      assertThat(limited).isNotNull();
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(JSON.readTree(limited.body()).get("error").get("status").asInt()).isEqualTo(429);
    }
  }

  @Test
  void overlongTargetsGet414AndLargeBodiesGet413() throws Exception {
    try (ApiServer server = start(ApiGuard.Options.open().withMaxRequestBytes(2_048))) {
      assertThat(get(server, "/api/v1/paths?from=" + "a".repeat(3_000), null).statusCode())
          .isEqualTo(414);
      HttpResponse<String> body =
          send(
              server,
              request(server, "/api/v1/graph")
                  .method("GET", HttpRequest.BodyPublishers.ofByteArray(new byte[10_000])));
      assertThat(body.statusCode()).isEqualTo(413);
      assertThat(get(server, "/api/v1/graph", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void noAnswerEchoesMarkupFromTheRequest() throws Exception {
    String markup = "<script>alert('x')</script>&<img src=x onerror=alert(1)>";
    String encoded = URLEncoder.encode(markup, StandardCharsets.UTF_8).replace("+", "%20");
    try (ApiServer server = start(ApiGuard.Options.open())) {
      for (String path :
          List.of(
              "/api/v1/services/" + encoded,
              "/api/v1/paths?from=" + encoded + "&window=" + encoded,
              "/api/v1/paths?window=1s",
              "/" + encoded)) {
        HttpResponse<String> response = get(server, path, null);
        assertThat(response.statusCode()).as(path).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.body()).as(path).doesNotContain("<", ">", "&", "'");
        JSON.readTree(response.body()); // still valid JSON
      }
      HttpResponse<String> named = get(server, "/api/v1/services/" + encoded, null);
      assertThat(JSON.readTree(named.body()).get("error").get("message").asText())
          .as("the escapes decode to the name")
          .contains(markup);
    }
  }

  @Test
  void withAKeystoreTheApiIsServedOverTlsOnly(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("api.p12");
    String password = "keystore-pass-42";
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    assertThat(Files.size(keystore)).isPositive();

    SSLContext tls = TlsContext.fromKeystore(keystore, new Password(password), "PKCS12");
    try (ApiServer server = start(ApiGuard.Options.open().withTls(tls))) {
      HttpClient trusting = HttpClient.newBuilder().sslContext(tls).build();
      HttpResponse<String> secure =
          trusting.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + server.port() + "/api/v1/graph"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(secure.statusCode()).isEqualTo(200);

      try {
        http.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/api/v1/graph"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        throw new AssertionError("a client that does not trust the certificate got through");
      } catch (SSLHandshakeException expected) {
        // the default trust store does not know the self-signed certificate
      }
      try {
        HttpResponse<String> plain = get(server, "/api/v1/graph", null);
        assertThat(plain.statusCode()).as("plain HTTP is not served").isNotEqualTo(200);
      } catch (java.io.IOException expected) {
        // the TLS server drops a plain-text request
      }
    }
    try {
      TlsContext.fromKeystore(keystore, new Password("wrong-password"), "PKCS12");
      throw new AssertionError("a wrong keystore password was accepted");
    } catch (java.io.IOException e) {
      assertThat(e.getMessage()).contains(keystore.toString()).doesNotContain("wrong-password");
    }
  }

  private HttpRequest.Builder request(ApiServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  private HttpResponse<String> get(ApiServer server, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request = request(server, path);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(server, request);
  }

  private HttpResponse<String> send(ApiServer server, HttpRequest.Builder request)
      throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
