package dev.observability.health;

import static dev.observability.health.HealthTestSupport.get;
import static dev.observability.health.HealthTestSupport.registry;
import static dev.observability.health.HealthTestSupport.withServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real database: H2 in memory, with a password in its JDBC URL. */
class JdbcHealthCheckTest {

  private static final String PASSWORD = "Sup3r-Secret-Pw";

  private String name;
  private Connection owner;

  @BeforeEach
  void createDatabase() throws Exception {
    name = "health_" + UUID.randomUUID().toString().replace("-", "");
    JdbcDataSource creator = new JdbcDataSource();
    creator.setURL("jdbc:h2:mem:" + name + ";PASSWORD=" + PASSWORD);
    creator.setUser("sa");
    // The database lives while this connection is open.
    owner = creator.getConnection();
  }

  @AfterEach
  void dropDatabase() throws Exception {
    Observability.current().ifPresent(Observability::close);
    if (!owner.isClosed()) {
      try (Statement statement = owner.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    }
  }

  /** A data source that only opens the existing database, never creates a fresh one. */
  private JdbcDataSource dataSource() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + name + ";IFEXISTS=TRUE;PASSWORD=" + PASSWORD);
    dataSource.setUser("sa");
    return dataSource;
  }

  @Test
  void jdbc_databaseOpen_isHealthy_thenUnhealthyAfterShutdown() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("database", HealthChecks.jdbc(dataSource()));

      Answer open = get(obs, "/health/ready");
      assertThat(open.status()).isEqualTo(200);
      assertThat(open.json().path("status").asText()).isEqualTo("healthy");
      assertThat(open.check("database").path("status").asText()).isEqualTo("up");

      try (Statement statement = owner.createStatement()) {
        statement.execute("SHUTDOWN");
      }

      Answer shut = get(obs, "/health/ready");
      assertThat(shut.status()).isEqualTo(503);
      assertThat(shut.json().path("status").asText()).isEqualTo("unhealthy");
      assertThat(shut.check("database").path("status").asText()).isEqualTo("down");
      assertThat(shut.check("database").path("error").asText())
          .startsWith("org.h2.jdbc.")
          .contains("not found");
      assertThat(open.body() + shut.body()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void jdbc_driverMessageCarryingTheUrlAndPassword_neverShowsThePassword() throws Exception {
    try (Observability obs = withServer().start()) {
      // H2 quotes the statement in its error, and the statement carries a JDBC URL with a
      // password: what a check that links or probes another database would show.
      String url = "jdbc:h2:mem:missing_" + name + ";IFEXISTS=TRUE;PASSWORD=" + PASSWORD;
      registry(obs)
          .register(
              "linked",
              () -> {
                try (Connection connection = dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                  statement.execute(
                      "CREATE LINKED TABLE LINKED_T('org.h2.Driver', '"
                          + url
                          + "', 'sa', '', 'T')");
                }
                return HealthCheck.Result.up();
              });

      Answer answer = get(obs, "/health");

      String error = answer.check("linked").path("error").asText();
      assertThat(answer.status()).isEqualTo(503);
      assertThat(error).startsWith("org.h2.jdbc.").contains("jdbc:h2:mem:missing_");
      assertThat(error).contains("PASSWORD=" + obs.scrubber().mask());
      assertThat(answer.body()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void jdbc_passwordInTheCheckDetails_isMasked() throws Exception {
    try (Observability obs = withServer().start()) {
      String url = "jdbc:h2:mem:" + name + ";IFEXISTS=TRUE;PASSWORD=" + PASSWORD;
      registry(obs)
          .register(
              "database",
              () -> HealthCheck.Result.up(java.util.Map.of("url", url, "pool", "primary")));

      Answer answer = get(obs, "/health/ready");

      assertThat(answer.check("database").path("details").path("url").asText())
          .startsWith("jdbc:h2:mem:")
          .doesNotContain(PASSWORD);
      assertThat(answer.body()).doesNotContain(PASSWORD);
    }
  }
}
