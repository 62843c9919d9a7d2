package dev.observability.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.observability.metrics.Metrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Users and orders in an in-memory H2 database behind a HikariCP connection pool. Every query is
 * timed in {@code db_query_duration_seconds{query_type}}, and the pool is bound as {@code
 * db_connections_used{pool="main"}} and {@code db_connections_max{pool="main"}}, through the
 * metrics helpers: the series the guide's pool alert and the dashboard's pool panel read.
 * Thread-safe: each call borrows its own connection from the pool.
 */
final class UserStore implements AutoCloseable {

  /** The pool's name, its {@code pool} label. */
  static final String POOL = "main";

  /** Connections the pool holds at most. */
  static final int MAX_CONNECTIONS = 10;

  /** A user row. */
  record User(long id, String email, String source) {}

  /** How long {@link #close()} waits for the pool's threads to end. */
  private static final long THREADS_END_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final HikariDataSource dataSource;
  private final Metrics metrics;
  private final PoolThreads threads = new PoolThreads();

  UserStore(Metrics metrics) {
    this.metrics = metrics;
    HikariConfig config = new HikariConfig();
    config.setPoolName(POOL);
    config.setJdbcUrl("jdbc:h2:mem:example-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    // Named, not looked up in DriverManager: in a container, DriverManager was set up before the
    // web application's drivers were on any class path it reads.
    config.setDriverClassName("org.h2.Driver");
    config.setMaximumPoolSize(MAX_CONNECTIONS);
    config.setMinimumIdle(2);
    config.setThreadFactory(threads);
    this.dataSource = new HikariDataSource(config);
    metrics.dbPool(
        POOL,
        () -> dataSource.getHikariPoolMXBean().getActiveConnections(),
        dataSource::getMaximumPoolSize);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table users (id bigint auto_increment primary key, email varchar(320) not null,"
              + " source varchar(64) not null)");
      s.execute(
          "create table orders (id varchar(36) primary key, user_id bigint not null,"
              + " total decimal(12, 2) not null, payment_id varchar(64) not null)");
      s.execute(
          "insert into users (email, source) values ('ada@example.com', 'seed'),"
              + " ('grace@example.com', 'seed'), ('linus@example.com', 'seed')");
    } catch (SQLException e) {
      dataSource.close();
      throw new IllegalStateException("cannot create the example database", e);
    }
  }

  /**
   * Closes the pool and its connections, and waits (at most five seconds) for the pool's threads to
   * end. HikariCP's {@code close()} returns once its executors report termination, which their last
   * worker signals just before its thread ends: a container that checks for leftover threads right
   * after the application stops (Tomcat does) could still see that thread alive.
   */
  @Override
  public void close() {
    dataSource.close();
    threads.awaitEnd(System.nanoTime() + THREADS_END_NANOS);
  }

  /** The data source, for the health check. */
  DataSource dataSource() {
    return dataSource;
  }

  /** The user with {@code id}, if any. */
  Optional<User> find(long id) {
    return metrics.timeQuery(
        "select_user",
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("select id, email, source from users where id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? Optional.of(new User(rs.getLong(1), rs.getString(2), rs.getString(3)))
                  : Optional.<User>empty();
            }
          } catch (SQLException e) {
            throw new IllegalStateException("user query failed", e);
          }
        });
  }

  /** Stores a new user and returns its id. */
  long insertUser(String email, String source) {
    Long id =
        metrics.timeQuery(
            "insert_user",
            () -> {
              try (Connection c = dataSource.getConnection();
                  PreparedStatement s =
                      c.prepareStatement(
                          "insert into users (email, source) values (?, ?)",
                          Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, email);
                s.setString(2, source);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                  keys.next();
                  return keys.getLong(1);
                }
              } catch (SQLException e) {
                throw new IllegalStateException("user insert failed", e);
              }
            });
    return id == null ? -1 : id;
  }

  /** Stores an order. */
  void insertOrder(String orderId, long userId, double total, String paymentId) {
    metrics.timeQuery(
        "insert_order",
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "insert into orders (id, user_id, total, payment_id) values (?, ?, ?, ?)")) {
            s.setString(1, orderId);
            s.setLong(2, userId);
            s.setDouble(3, total);
            s.setString(4, paymentId);
            return s.executeUpdate();
          } catch (SQLException e) {
            throw new IllegalStateException("order insert failed", e);
          }
        });
  }

  /** The pool's threads, daemon and named after the pool, remembered until they end. */
  private static final class PoolThreads implements ThreadFactory {
    private final List<Thread> started = new ArrayList<>();
    private int count;

    @Override
    public synchronized Thread newThread(Runnable task) {
      started.removeIf(thread -> !thread.isAlive());
      Thread thread = new Thread(task, POOL + ":pool-" + ++count);
      thread.setDaemon(true);
      started.add(thread);
      return thread;
    }

    void awaitEnd(long deadlineNanos) {
      List<Thread> alive;
      synchronized (this) {
        alive = new ArrayList<>(started);
      }
      try {
        for (Thread thread : alive) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return;
          }
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
