package io.cameldblog.core.resume;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.support.resume.Resumables;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
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
        try (TestingServer zk = new TestingServer()) {
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(zk.getConnectString());
            strategy.setMaxUnstored(3);
            strategy.setRetryMillis(50);
            strategy.setSessionTimeoutMillis(60_000);
            strategy.setConnectionTimeoutMillis(2_000);
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));

            zk.stop();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 2, 0)));
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 3, 0)));
            assertThat(strategy.unstoredPositions()).containsEntry("orders", "f:3");

            // the third waiting position reaches the bound: handing it over blocks until ZooKeeper is back
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try {
                    strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 4, 0)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());

            zk.restart();
            held.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(60), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(strategy.unstoredPositions()).isEmpty();
            strategy.stop();

            ZooKeeperResumeStrategy reader = new ZooKeeperResumeStrategy(zk.getConnectString());
            reader.start();
            reader.loadCache();
            assertThat(reader.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 4);
            reader.stop();
        }
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
    void aThreeNodeEnsembleLosingOneNodeKeepsStoringEveryPosition() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(cluster.getConnectString());
            strategy.setConnectionTimeoutMillis(5_000);
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));

            InstanceSpec lost = cluster.getInstances().iterator().next();
            assertThat(cluster.killServer(lost)).isTrue();
            // the client fails over to another member: positions keep being stored, none waits for long
            for (int pos = 2; pos <= 20; pos++) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                strategy.flush();
                return strategy.unstoredPositions().isEmpty();
            });
            strategy.stop();

            ZooKeeperResumeStrategy reader = new ZooKeeperResumeStrategy(cluster.getConnectString());
            reader.start();
            reader.loadCache();
            assertThat(reader.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 20);
            reader.stop();
        }
    }
}
