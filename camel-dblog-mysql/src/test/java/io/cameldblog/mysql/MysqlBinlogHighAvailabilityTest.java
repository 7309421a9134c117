package io.cameldblog.mysql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the same route: ZooKeeper elects one to read the binlog ({@code master:} with Camel's ZooKeeper
 * cluster service); when it stops, the other takes over from the stored position, and every row is processed
 * once by exactly one of them.
 */
class MysqlBinlogHighAvailabilityTest {

    static SandboxMariaDb db;
    static TestingServer zooKeeper;

    @BeforeAll
    static void startServers() throws Exception {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.ha (id INT PRIMARY KEY)");
        zooKeeper = new TestingServer();
    }

    @AfterAll
    static void stopServers() throws Exception {
        db.close();
        zooKeeper.close();
    }

    /** One instance of the application. */
    static final class Instance implements AutoCloseable {
        final List<Integer> processed = new CopyOnWriteArrayList<>();
        final CamelContext context = new DefaultCamelContext();

        Instance(String name) throws Exception {
            ZooKeeperClusterService cluster = new ZooKeeperClusterService();
            cluster.setId(name);
            cluster.setNodes(zooKeeper.getConnectString());
            cluster.setBasePath("/camel-dblog/cluster");
            context.addService(cluster);
            String uri = MysqlBinlogStreamTest.uri("ha", "includeTables=shop\\.ha&startPosition=earliest", db);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:shop-ha:" + uri).routeId("ha")
                            .resumable(new ZooKeeperResumeStrategy(zooKeeper.getConnectString()))
                            .process(e -> processed.add(
                                    (Integer) e.getMessage().getBody(ChangeEvent.class).after().get("id")));
                }
            });
            context.start();
        }

        @Override
        public void close() {
            context.stop();
        }
    }

    @Test
    void theStandbyTakesOverFromTheStoredPositionWhenTheLeaderStops() throws Exception {
        Instance first = new Instance("node-1");
        try (Instance second = new Instance("node-2")) {
            for (int id = 1; id <= 3; id++) {
                db.execute("INSERT INTO shop.ha VALUES (" + id + ")");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> first.processed.size() + second.processed.size() >= 3);
            Instance leader = first.processed.isEmpty() ? second : first;
            Instance standby = leader == first ? second : first;
            assertThat(standby.processed).as("only the leader reads").isEmpty();

            leader.close();
            for (int id = 4; id <= 6; id++) {
                db.execute("INSERT INTO shop.ha VALUES (" + id + ")");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> standby.processed.contains(6));

            List<Integer> all = new ArrayList<>(leader.processed);
            all.addAll(standby.processed);
            assertThat(all).containsExactly(1, 2, 3, 4, 5, 6);
        } finally {
            first.close();
        }
    }
}
