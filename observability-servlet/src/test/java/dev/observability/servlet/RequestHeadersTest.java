package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.servlet.internal.RequestHeaders;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter's header getter against a real Jetty, with header fields sent over a raw socket. */
class RequestHeadersTest {

  private TestServer server;

  /** Answers with the combined value of the header named by the query string, or {@code <null>}. */
  private static final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String value = new RequestHeaders(request).apply(request.getQueryString());
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().write("[" + (value == null ? "<null>" : value) + "]");
    }
  }

  @BeforeEach
  void start() throws Exception {
    server =
        TestServer.start(
            "", context -> context.addServlet(new ServletHolder(new EchoServlet()), "/"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String read(String name, String... headerLines) throws IOException {
    StringBuilder request = new StringBuilder("GET /?" + name + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(raw).startsWith("HTTP/1.1 200");
      return raw.substring(raw.indexOf("\r\n\r\n") + 4);
    }
  }

  @Test
  void repeatedFields_areJoinedInOrderByCommaAndSpace_namesCaseInsensitive() throws Exception {
    assertThat(read("tracestate", "tracestate: a=1", "X-Other: x", "TRACESTATE: b=2,c=3"))
        .isEqualTo("[a=1, b=2,c=3]");
    assertThat(read("Baggage", "baggage: k=v", "baggage: k2=v2", "baggage: k3=v3"))
        .isEqualTo("[k=v, k2=v2, k3=v3]");
  }

  @Test
  void singleField_isReturnedAsItIs_absentIsNull() throws Exception {
    assertThat(read("traceparent", "traceparent: 00-abc")).isEqualTo("[00-abc]");
    assertThat(read("traceparent", "tracestate: a=1")).isEqualTo("[<null>]");
  }

  @Test
  void cookieFields_areJoinedBySemicolon_asCookiePairsAre() throws Exception {
    assertThat(read("cookie", "Cookie: a=1", "Cookie: b=2")).isEqualTo("[a=1; b=2]");
  }
}
