package io.cameldblog.mysql;

import java.io.IOException;
import java.net.ServerSocket;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each way a user can get the setup wrong fails the route's start with a message that names the cause and the
 * fix, as an operator reads it in the log, and never with the password in it.
 */
class MysqlBinlogErrorsTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        for (String host : new String[] { "localhost", "127.0.0.1", "%" }) {
            db.execute("CREATE USER 'reader'@'" + host + "' IDENTIFIED BY 'reader-secret'",
                    "GRANT SELECT, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'reader'@'" + host + "'");
        }
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void wrongPasswordNamesTheUserAndNeverThePassword() {
        String message = startFailure("mysqlbinlog:pw?host=" + db.host() + "&port=" + db.port()
                                      + "&username=dblog&password=not-the-password");
        assertThat(message).contains("refused user 'dblog'", "wrong username or password", "Fix:")
                .doesNotContain("not-the-password");
    }

    @Test
    void missingReplicationSlaveGrantNamesTheGrant() {
        String message = startFailure("mysqlbinlog:grants?host=" + db.host() + "&port=" + db.port()
                                      + "&username=reader&password=reader-secret");
        assertThat(message).contains("'reader'", "REPLICATION SLAVE", "Fix: GRANT REPLICATION SLAVE")
                .doesNotContain("reader-secret");
    }

    @Test
    void statementLoggingIsRefusedUntilRowLoggingIsBack() throws Exception {
        db.execute("SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            assertThat(startFailure(MysqlBinlogStreamTest.uri("statement", "", db)))
                    .contains("binlog_format=STATEMENT", "Fix: set binlog_format=ROW");
        } finally {
            db.execute("SET GLOBAL binlog_format = 'ROW'");
        }
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("statement", "", db))) {
            route.start();
            assertThat(route.context().getRouteController().getRouteStatus("capture").isStarted()).isTrue();
        }
    }

    @Test
    void unreachableServerNamesTheAddressAndTheOptions() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String message = startFailure("mysqlbinlog:down?host=127.0.0.1&port=" + closedPort
                                      + "&username=dblog&password=dblog-secret");
        assertThat(message).contains("127.0.0.1:" + closedPort, "Fix: check the host and port options");
    }

    @Test
    void aBinlogFileTheServerNoLongerHasIsAnErrorNotASilentSkip() {
        String message = startFailure(MysqlBinlogStreamTest.uri("gone", "startPosition=mysql-bin.000999:4", db));
        assertThat(message).contains("no longer has binlog file mysql-bin.000999", "Fix:");
    }

    @Test
    void badStartPositionOptionNamesTheAcceptedForms() {
        String message = startFailure(MysqlBinlogStreamTest.uri("badstart", "startPosition=yesterday", db));
        assertThat(message).contains("startPosition", "yesterday", "latest", "earliest");
    }

    @Test
    void unknownOptionIsRejected() {
        String message = startFailure(MysqlBinlogStreamTest.uri("typo", "hots=db.example.com", db));
        assertThat(message).contains("hots");
    }

    /** Starts a route from {@code uri}, which must fail, and gives the messages an operator would read. */
    private static String startFailure(String uri) {
        try (CapturingRoute route = new CapturingRoute(uri)) {
            route.start();
        } catch (Exception e) {
            DbLogConfigurationException config = ObjectHelper.getException(DbLogConfigurationException.class, e);
            if (config != null) {
                return config.getMessage();
            }
            return messages(e);
        }
        return fail("the route started from " + uri);
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
