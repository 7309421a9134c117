package io.cameldblog.core.resume;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.testing.LaggingProxy;
import io.cameldblog.core.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.resume.Resumables;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Against a real ZooKeeper (Curator's TestingServer), stopped and restarted where the test says. */
class ZooKeeperResumeStrategyTest {

    @Test
    void storesUnderTheBasePathAsJsonAndLoadsItBack() throws Exception {
        try (TestingServer zk = new TestingServer()) {
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(zk.getConnectString());
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("mysql-bin.000002", 120, 7)));
            strategy.stop();

            try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
                client.start();
                byte[] data = client.getData().forPath("/camel-dblog/offsets/orders");
                Map<String, Object> node = ChangeEventJson.parseObject(new String(data, StandardCharsets.UTF_8));
                assertThat(node).containsEntry("endpoint", "orders").containsEntry("text", "mysql-bin.000002:120");
                assertThat(node.get("position")).isEqualTo(Map.of("file", "mysql-bin.000002", "pos", 120, "rows", 7));
            }

            ZooKeeperResumeStrategy restarted = new ZooKeeperResumeStrategy(zk.getConnectString());
            restarted.start();
            restarted.loadCache();
            assertThat(restarted.getAdapter(DbLogResumeAdapter.class).storedPosition("orders"))
                    .contains(Map.of("file", "mysql-bin.000002", "pos", 120, "rows", 7));
            restarted.stop();
        }
    }

    @Test
    void whileZooKeeperIsDownPositionsWaitThenTheStreamIsHeldAndNothingIsSkipped() throws Exception {
        try (TestingServer zk = new TestingServer(); CapturedLog log = CapturedLog.everything()) {
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(zk.getConnectString());
            strategy.setMaxUnstored(3);
            strategy.setRetryMillis(50);
            strategy.setSessionTimeoutMillis(60_000);
            strategy.setConnectionTimeoutMillis(2_000);
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));
            await().atMost(Duration.ofSeconds(10)).until(() -> strategy.unstoredCount() == 0);

            zk.stop();
            // maxUnstored = 3: three positions wait for ZooKeeper, the caller goes on
            for (int pos = 2; pos <= 4; pos++) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            assertThat(strategy.unstoredPositions()).containsEntry("orders", "f:4");
            assertThat(strategy.unstoredCount()).isEqualTo(3);

            // the fourth would pass the bound: handing it over blocks until ZooKeeper is back
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try {
                    strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 5, 0)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
            assertThat(strategy.unstoredCount()).isEqualTo(3);

            zk.restart();
            held.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> strategy.unstoredCount() == 0);
            strategy.stop();
            assertThat(strategy.mostUnstored()).as("never more unstored than maxUnstored").isEqualTo(3);

            // the hold is told once at WARN, naming the store, not once per position or retry
            String store = "ZooKeeper " + zk.getConnectString() + "/camel-dblog/offsets";
            assertThat(log.messages(BatchingResumeStrategy.class, Level.WARN))
                    .filteredOn(l -> l.contains("holding the stream")).singleElement()
                    .asString().contains("not stored in " + store);
            assertThat(log.messages(BatchingResumeStrategy.class, Level.WARN))
                    .filteredOn(l -> l.contains("Cannot store positions")).hasSizeLessThan(2);
            assertThat(log.messages(BatchingResumeStrategy.class, Level.INFO)).anyMatch(l -> l.contains(store + " takes positions again"));

            assertThat(storedPos(zk.getConnectString(), "orders")).isEqualTo(5);
        }
    }

    @Test
    void aStoreSlowerThanTheStreamTakesFewerLargerStepsAndNeverHoldsIt() throws Exception {
        try (TestingServer zk = new TestingServer(); LaggingProxy slow = LaggingProxy.to(zk.getConnectString())) {
            // every request and every answer 25 ms late: one write takes at least 50 ms
            slow.setLatencyMillis(25);
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(slow.address());
            strategy.setMaxUnstored(10_000);
            List<Long> stored = new CopyOnWriteArrayList<>();
            strategy.onStored("orders", p -> stored.add(((Number) p.get("pos")).longValue()));
            strategy.start();
            try {
                // the stream hands over 20 bursts of 250 positions; each burst is handed over before the store can
                // answer once, and the next one comes when the store took the last position of the burst
                long handOverNanos = 0;
                int pos = 0;
                for (int burst = 1; burst <= 20; burst++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < 250; i++) {
                        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", ++pos, 0)));
                    }
                    handOverNanos += System.nanoTime() - start;
                    long last = pos;
                    await().atMost(Duration.ofSeconds(30)).until(() -> stored.contains(last));
                }

                // one synchronous write per position would have taken 5 000 x 50 ms; the stream never waited
                assertThat(TimeUnit.NANOSECONDS.toMillis(handOverNanos)).as("time to hand over 5 000 positions")
                        .isLessThan(5_000);
                assertThat(strategy.mostUnstored()).as("the stream was never held").isLessThan(10_000);
                assertThat(stored).as("positions moved on with the stream, in few large steps")
                        .hasSizeBetween(20, 250).isSorted();
            } finally {
                strategy.stop();
            }
            assertThat(storedPos(zk.getConnectString(), "orders")).isEqualTo(5_000);
        }
    }

    @Test
    void aReaderThatStoppedNeverWritesItsWaitingPositionsOverTheNewReaders() throws Exception {
        try (TestingServer zk = new TestingServer();
             LaggingProxy formerLeaderLink = LaggingProxy.to(zk.getConnectString());
             CapturedLog log = CapturedLog.everything()) {
            ZooKeeperResumeStrategy formerLeader = new ZooKeeperResumeStrategy(formerLeaderLink.address());
            formerLeader.setRetryMillis(50);
            formerLeader.setSessionTimeoutMillis(60_000);
            formerLeader.setConnectionTimeoutMillis(1_000);
            formerLeader.start();
            formerLeader.updateLastOffset(Resumables.of("orders", new TestPosition("f", 10, 0)));
            await().atMost(Duration.ofSeconds(10)).until(() -> formerLeader.unstoredCount() == 0);

            // the leader loses ZooKeeper: its positions 11..20 wait, and it stops being the reader
            formerLeaderLink.cut();
            for (int pos = 11; pos <= 20; pos++) {
                formerLeader.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            // the writer retries every 50 ms meanwhile; the outage is told once at WARN, naming the store
            String outage = "Cannot store positions in ZooKeeper " + formerLeaderLink.address();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> log.messages(BatchingResumeStrategy.class, Level.WARN).stream().anyMatch(l -> l.contains(outage)));
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                    .until(() -> log.messages(BatchingResumeStrategy.class, Level.WARN).stream().filter(l -> l.contains(outage)).count() == 1
                                 && "f:20".equals(formerLeader.unstoredPositions().get("orders")));
            formerLeader.readerStopped("orders");
            assertThat(formerLeader.unstoredPositions()).isEmpty();

            // the new leader starts from the stored 10 and gets to 15
            ZooKeeperResumeStrategy newLeader = new ZooKeeperResumeStrategy(zk.getConnectString());
            newLeader.start();
            newLeader.loadCache();
            assertThat(newLeader.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 10);
            for (int pos = 11; pos <= 15; pos++) {
                newLeader.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> newLeader.unstoredCount() == 0);

            // the former leader reaches ZooKeeper again: it has nothing left to write over position 15
            formerLeaderLink.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> formerLeader.flush() == null);
            formerLeader.stop();
            assertThat(storedPos(zk.getConnectString(), "orders")).isEqualTo(15);
            newLeader.stop();
        }
    }

    @Test
    void twoWritersRacingOnOneNodeNeverMoveItBackwards() throws Exception {
        try (TestingServer zk = new TestingServer();
             CuratorFramework watcher = CuratorFrameworkFactory.newClient(zk.getConnectString(),
                     new RetryOneTime(100))) {
            watcher.start();
            ZooKeeperResumeStrategy even = new ZooKeeperResumeStrategy(zk.getConnectString());
            ZooKeeperResumeStrategy odd = new ZooKeeperResumeStrategy(zk.getConnectString());
            even.start();
            odd.start();
            List<Long> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                while (!done.get()) {
                    try {
                        seen.add(pos(watcher.getData().forPath("/camel-dblog/offsets/orders")));
                    } catch (Exception notYet) {
                        // no node yet
                    }
                }
            });
            // each writer stores synchronously, one position after the other: every write races the other's
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> storeEach(even, 0));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> storeEach(odd, 1));
            CompletableFuture.allOf(a, b).get(120, TimeUnit.SECONDS);
            done.set(true);
            reader.get(10, TimeUnit.SECONDS);
            even.stop();
            odd.stop();

            assertThat(storedPos(zk.getConnectString(), "orders")).isEqualTo(400);
            assertThat(seen).as("values read from the node while two writers raced").isNotEmpty().isSorted();
        }
    }

    private static void storeEach(ZooKeeperResumeStrategy strategy, int parity) {
        for (int pos = 2 - parity; pos <= 400; pos += 2) {
            try {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Throwable failure = strategy.flush();
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
    }

    @Test
    void oneStrategySharedByTwoRoutesKeepsStoringWhenOneOfThemStops() throws Exception {
        try (TestingServer zk = new TestingServer()) {
            ZooKeeperResumeStrategy shared = new ZooKeeperResumeStrategy(zk.getConnectString());
            CamelContext context = new DefaultCamelContext();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:orders").routeId("orders").resumable(shared).log("${header.CamelOffset}");
                    from("direct:invoices").routeId("invoices").resumable(shared).log("${header.CamelOffset}");
                }
            });
            context.start();
            try {
                ProducerTemplate producer = context.createProducerTemplate();
                producer.sendBodyAndHeader("direct:orders", "o", Exchange.OFFSET,
                        Resumables.of("orders", new TestPosition("f", 1, 0)));
                producer.sendBodyAndHeader("direct:invoices", "i", Exchange.OFFSET,
                        Resumables.of("invoices", new TestPosition("g", 1, 0)));

                context.getRouteController().stopRoute("orders");
                await().atMost(Duration.ofSeconds(10)).until(() -> shared.unstoredCount() == 0);
                assertThat(storedPos(zk.getConnectString(), "orders")).isEqualTo(1);
                assertThat(shared.isStarted()).as("still used by the invoices route").isTrue();

                producer.sendBodyAndHeader("direct:invoices", "i", Exchange.OFFSET,
                        Resumables.of("invoices", new TestPosition("g", 2, 0)));
                await().atMost(Duration.ofSeconds(10)).until(() -> storedPos(zk.getConnectString(), "invoices") == 2);
            } finally {
                context.stop();
            }
            assertThat(shared.isStarted()).as("closed with its last user").isFalse();
        }
    }

    private static long storedPos(String connectString, String endpoint) throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(100))) {
            client.start();
            return pos(client.getData().forPath("/camel-dblog/offsets/" + endpoint));
        }
    }

    private static long pos(byte[] data) {
        Map<String, Object> node = ChangeEventJson.parseObject(new String(data, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> position = (Map<String, Object>) node.get("position");
        return ((Number) position.get("pos")).longValue();
    }

    @Test
    void unreachableAtStartIsAnErrorNamingTheFix() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy("127.0.0.1:" + closed);
        strategy.setConnectionTimeoutMillis(1000);
        assertThatThrownBy(strategy::start).hasStackTraceContaining("Cannot reach ZooKeeper 127.0.0.1:" + closed)
                .hasStackTraceContaining("Fix: check connectString");
    }

    @Test
    void aThreeNodeEnsembleLosingTheNodeTheClientIsConnectedToKeepsStoringEveryPosition() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (CuratorFramework client = CuratorFrameworkFactory.newClient(cluster.getConnectString(), 60_000, 5_000,
                    new ExponentialBackoffRetry(100, 3, 1000))) {
                client.start();
                ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(client);
                strategy.setConnectionTimeoutMillis(5_000);
                strategy.start();
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));
                await().atMost(Duration.ofSeconds(10)).until(() -> strategy.unstoredCount() == 0);

                // the member this client talks to (ZooKeeper's own description of the session names it)
                int port = connectedPort(client);
                InstanceSpec connected = cluster.getInstances().stream().filter(i -> i.getPort() == port)
                        .findFirst().orElseThrow();
                assertThat(cluster.killServer(connected)).isTrue();

                // the client fails over to another member: positions keep being stored
                for (int pos = 2; pos <= 20; pos++) {
                    strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> strategy.unstoredCount() == 0);
                assertThat(connectedPort(client)).as("connected to another member").isNotEqualTo(port);
                strategy.stop();
            }

            ZooKeeperResumeStrategy reader = new ZooKeeperResumeStrategy(cluster.getConnectString());
            reader.start();
            reader.loadCache();
            assertThat(reader.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 20);
            reader.stop();
        }
    }

    private static int connectedPort(CuratorFramework client) throws Exception {
        Matcher m = Pattern.compile("remoteserver:\\S*:(\\d+)")
                .matcher(client.getZookeeperClient().getZooKeeper().toString());
        if (!m.find()) {
            throw new AssertionError("no remote server in " + client.getZookeeperClient().getZooKeeper());
        }
        return Integer.parseInt(m.group(1));
    }
}
