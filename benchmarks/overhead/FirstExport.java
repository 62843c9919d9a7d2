import com.sun.net.httpserver.HttpServer;
import dev.observability.Observability;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What the first OTLP export costs a fresh JVM: the classes it loads, the time until the collector
 * has the span, and the CPU of the threads that took part (the export thread and any HTTP client
 * threads). Uses the public API only, so that any build's benchmarks jar can run it:
 *
 * <pre>
 * taskset -c 0 java -cp benchmarks/target/benchmarks.jar benchmarks/overhead/FirstExport.java
 * </pre>
 */
public class FirstExport {
  public static void main(String[] args) throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
          received.countDown();
        });
    server.start();
    Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property(
                "tracing.otlp.endpoint",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces")
            .property("tracing.sample-ratio", "1.0")
            .property("tracing.export.schedule-delay", "10ms")
            .property("shutdown.hook", "false")
            .start();
    // Lets what start() leaves to other threads finish loading its classes, so that the count
    // below is the export's.
    Thread.sleep(300);
    long classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    long start = System.nanoTime();
    obs.tracer().spanBuilder("one").startSpan().end();
    received.await();
    long wall = System.nanoTime() - start;
    long classes =
        ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - classesBefore;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = 0;
    StringBuilder byThread = new StringBuilder();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith("observability-tracing-export")
          || name.startsWith("HttpClient")
          || name.startsWith("jdkhttp")) {
        long used = threads.getThreadCpuTime(thread.getId());
        cpu += used;
        byThread.append(' ').append(name).append('=').append(used / 1_000_000).append(" ms");
      }
    }
    System.out.printf(
        "first export: %d classes loaded, %d ms until received, %d ms CPU of export threads:%s%n",
        classes, wall / 1_000_000, cpu / 1_000_000, byThread);
    obs.close();
    server.stop(0);
  }
}
