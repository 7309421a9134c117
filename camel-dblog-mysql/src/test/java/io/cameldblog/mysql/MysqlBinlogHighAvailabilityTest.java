package io.cameldblog.mysql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.testing.LaggingProxy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
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
        final ZooKeeperResumeStrategy positions;

        Instance(String name) throws Exception {
            this(name, "ha", zooKeeper.getConnectString());
        }

        /** Cluster membership and positions both reach ZooKeeper at {@code zooKeeperAddress}. */
        Instance(String name, String table, String zooKeeperAddress) throws Exception {
            ZooKeeperClusterService cluster = new ZooKeeperClusterService();
            cluster.setId(name);
            cluster.setNodes(zooKeeperAddress);
            cluster.setBasePath("/camel-dblog/cluster-" + table);
            cluster.setSessionTimeout(3_000);
            context.addService(cluster);
            positions = new ZooKeeperResumeStrategy(zooKeeperAddress);
            positions.setSessionTimeoutMillis(3_000);
            positions.setConnectionTimeoutMillis(2_000);
            positions.setRetryMillis(100);
            String uri = MysqlBinlogStreamTest.uri(table, "includeTables=shop\\." + table + "&startPosition=earliest",
                    db);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:shop-" + table + ":" + uri).routeId(table).resumable(positions)
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

    /**
     * The leader loses ZooKeeper while positions of rows it processed wait to be stored; ZooKeeper expires its session
     * and elects the standby, which continues from the stored position and stores its own. When the former leader
     * reaches ZooKeeper again, its older positions are refused: the stored position never moves backwards.
     * <p>
     * Camel 4.17's {@code master:} does not stop the former leader's consumer when its session is lost (the split
     * brain fixed upstream as CAMEL-24457), so it also reads on; the store still keeps positions moving forward only.
     */
    @Test
    void aLeaderThatLostZooKeeperNeverWritesItsWaitingPositionsOverTheNewLeaders() throws Exception {
        db.execute("CREATE TABLE shop.ha_moves (id INT PRIMARY KEY)");
        List<BinlogPosition> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> watch("ha_moves", seen, watching));
        try (LaggingProxy link1 = LaggingProxy.to(zooKeeper.getConnectString());
             LaggingProxy link2 = LaggingProxy.to(zooKeeper.getConnectString());
             Instance first = new Instance("node-1", "ha_moves", link1.address());
             Instance second = new Instance("node-2", "ha_moves", link2.address())) {
            for (int id = 1; id <= 3; id++) {
                db.execute("INSERT INTO shop.ha_moves VALUES (" + id + ")");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> first.processed.size() + second.processed.size() >= 3);
            Instance leader = first.processed.isEmpty() ? second : first;
            Instance standby = leader == first ? second : first;
            LaggingProxy leaderLink = leader == first ? link1 : link2;
            await().atMost(Duration.ofSeconds(10)).until(() -> leader.positions.unstoredCount() == 0);

            // the leader loses ZooKeeper: rows 4-6 are processed, their positions wait
            leaderLink.cut();
            for (int id = 4; id <= 6; id++) {
                db.execute("INSERT INTO shop.ha_moves VALUES (" + id + ")");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> leader.processed.contains(6));
            assertThat(leader.positions.unstoredPositions()).containsKey("ha_moves");

            // its session expires: the standby leads, continues from the stored position (after row 3), goes on
            await().atMost(Duration.ofSeconds(60)).until(() -> standby.processed.contains(6));
            for (int id = 7; id <= 9; id++) {
                db.execute("INSERT INTO shop.ha_moves VALUES (" + id + ")");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> standby.processed.contains(9));
            assertThat(standby.processed).as("from the stored position on").containsExactly(4, 5, 6, 7, 8, 9);
            await().atMost(Duration.ofSeconds(10)).until(() -> standby.positions.unstoredCount() == 0);
            BinlogPosition newLeaders = stored("ha_moves");

            // the former leader reaches ZooKeeper again and writes what waited: refused, the node keeps row 9's or
            // moves on (a later transaction's end), never back
            leaderLink.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.positions.unstoredCount() == 0);
            assertThat(stored("ha_moves").compareToStored(newLeaders.toMap()).orElseThrow()).isNotNegative();
        } finally {
            watching.set(false);
            watcher.get(10, TimeUnit.SECONDS);
        }
        assertThat(seen).as("every value the node held, in order").hasSizeGreaterThan(1)
                .isSortedAccordingTo((a, b) -> a.compareToStored(b.toMap()).orElseThrow());
    }

    /** Records every distinct position the node holds, as a ZooKeeper client sees them over time. */
    private static void watch(String endpoint, List<BinlogPosition> seen, AtomicBoolean watching) {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(),
                new RetryOneTime(100))) {
            client.start();
            while (watching.get()) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> position = (Map<String, Object>) ChangeEventJson.parseObject(
                            client.getData().forPath("/camel-dblog/offsets/" + endpoint)).get("position");
                    BinlogPosition p = BinlogPositionCodec.INSTANCE.fromMap(position);
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(p)) {
                        seen.add(p);
                    }
                } catch (Exception notYet) {
                    // no node yet
                }
            }
        }
    }

    private static BinlogPosition stored(String endpoint) throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(),
                new RetryOneTime(100))) {
            client.start();
            byte[] data = client.getData().forPath("/camel-dblog/offsets/" + endpoint);
            @SuppressWarnings("unchecked")
            Map<String, Object> position = (Map<String, Object>) ChangeEventJson.parseObject(data).get("position");
            return BinlogPositionCodec.INSTANCE.fromMap(position);
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
