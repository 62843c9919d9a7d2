package dev.observability.examples;

import dev.observability.metrics.Metrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Users and orders in an in-memory H2 database. Every query is timed in {@code
 * db_query_duration_seconds{query_type}} through the metrics helpers. Thread-safe: each call takes
 * its own connection.
 */
final class UserStore {

  /** A user row. */
  record User(long id, String email, String source) {}

  private final JdbcDataSource dataSource = new JdbcDataSource();
  private final Metrics metrics;

  UserStore(Metrics metrics) {
    this.metrics = metrics;
    dataSource.setURL("jdbc:h2:mem:example-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
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
      throw new IllegalStateException("cannot create the example database", e);
    }
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
}
