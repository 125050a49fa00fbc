package dev.faultline.analyzer.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.query.ApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page as the build bundled it, served with its content types and caching headers. */
class WebPageTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void indexIsRevalidatedAndNamesHashedAssetsThatAreCachedForGood() throws Exception {
    try (ApiServer server = ApiServer.start("127.0.0.1", 0, WebPage.routes())) {
      HttpResponse<String> index = get(server, "/");
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("default-src 'self'");
      assertThat(index.body()).doesNotContain("http://", "https://");

      List<String> assets = new ArrayList<>();
      Matcher m = Pattern.compile("(?:src|href)=\"(assets/[^\"]+)\"").matcher(index.body());
      while (m.find()) {
        assets.add(m.group(1));
      }
      assertThat(assets).anyMatch(a -> a.endsWith(".js")).anyMatch(a -> a.endsWith(".css"));
      for (String asset : assets) {
        HttpResponse<String> response = get(server, "/" + asset);
        assertThat(response.statusCode()).as(asset).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control"))
            .hasValue("public, max-age=31536000, immutable");
        assertThat(response.headers().firstValue("Content-Type").orElseThrow())
            .startsWith(asset.endsWith(".js") ? "text/javascript" : "text/css");
      }
      assertThat(get(server, "/index.html").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unknownOrEscapingAssetPathsAreNotFound() throws Exception {
    try (ApiServer server = ApiServer.start("127.0.0.1", 0, WebPage.routes())) {
      assertThat(get(server, "/assets/missing-ABC.js").statusCode()).isEqualTo(404);
      assertThat(get(server, "/assets/..%2Findex.html").statusCode()).isEqualTo(404);
      assertThat(get(server, "/assets/WebPage.class").statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> get(ApiServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
