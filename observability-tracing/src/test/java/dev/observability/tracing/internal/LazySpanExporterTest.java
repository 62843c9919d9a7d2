package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazySpanExporterTest {

  private final InMemorySpanExporter target = new InMemorySpanExporter();
  private final AtomicInteger built = new AtomicInteger();

  private LazySpanExporter lazy() {
    return new LazySpanExporter(
        () -> {
          built.incrementAndGet();
          return target;
        },
        "test exporter");
  }

  @Test
  void created_buildsNothing() {
    LazySpanExporter exporter = lazy();

    assertThat(built).hasValue(0);
    assertThat(exporter).hasToString("test exporter (not built yet)");
  }

  @Test
  void export_buildsOnceAndDelegates() {
    LazySpanExporter exporter = lazy();

    CompletableResultCode first = exporter.export(List.of());
    CompletableResultCode second = exporter.export(List.of());

    assertThat(first.isSuccess()).isTrue();
    assertThat(second.isSuccess()).isTrue();
    assertThat(built).hasValue(1);
  }

  @Test
  void buildAndExport_runWithTheSystemLoaderAsContextLoader_andTheCallersIsRestored() {
    List<ClassLoader> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    SpanExporter recording =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(
              java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
            seen.add(Thread.currentThread().getContextClassLoader());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    LazySpanExporter exporter =
        new LazySpanExporter(
            () -> {
              seen.add(Thread.currentThread().getContextClassLoader());
              return recording;
            },
            "test exporter");
    ClassLoader application = new java.net.URLClassLoader(new java.net.URL[0]);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(application);
    try {
      exporter.export(List.of());
      assertThat(thread.getContextClassLoader()).isSameAs(application);
    } finally {
      thread.setContextClassLoader(previous);
    }
    // Threads the JDK's HTTP client starts meanwhile do not hold the application's loader.
    assertThat(seen).hasSize(2).containsOnly(ClassLoader.getSystemClassLoader());
  }

  @Test
  void shutdown_beforeAnyExport_buildsNothingAndLaterExportsFail() {
    LazySpanExporter exporter = lazy();

    assertThat(exporter.flush().isSuccess()).isTrue();
    assertThat(exporter.shutdown().isSuccess()).isTrue();
    CompletableResultCode after = exporter.export(List.of());

    assertThat(after.isSuccess()).isFalse();
    assertThat(built).hasValue(0);
  }

  @Test
  void export_whenBuildingThrows_failsAndRetriesOnTheNextCall() {
    AtomicInteger attempts = new AtomicInteger();
    SpanExporter exporter =
        new LazySpanExporter(
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no HTTP sender");
              }
              return target;
            },
            "test exporter");

    CompletableResultCode failed = exporter.export(List.of());
    CompletableResultCode retried = exporter.export(List.of());

    assertThat(failed.join(1, TimeUnit.SECONDS).isSuccess()).isFalse();
    assertThat(failed.getFailureThrowable()).hasMessage("no HTTP sender");
    assertThat(retried.isSuccess()).isTrue();
    assertThat(attempts).hasValue(2);
  }
}
