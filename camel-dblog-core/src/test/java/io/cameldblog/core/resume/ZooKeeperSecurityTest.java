package io.cameldblog.core.resume;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.support.resume.Resumables;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Who may rewrite a stored position (anyone who can makes a stream skip data): with credentials given, only their
 * user; and TLS to ZooKeeper's secure client port. Against real ZooKeeper servers.
 */
class ZooKeeperSecurityTest {

    @TempDir
    Path dir;

    @Test
    void withCredentialsOnlyTheirUserCanReadOrRewriteAStoredPosition() throws Exception {
        try (TestingServer zk = new TestingServer()) {
            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy(zk.getConnectString());
            strategy.setDigestAuth("cdc:s3cret");
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 7, 0)));
            strategy.stop();

            String node = "/camel-dblog/offsets/orders";
            try (CuratorFramework anonymous = client(zk, null); CuratorFramework intruder = client(zk, "eve:guess")) {
                for (CuratorFramework other : List.of(anonymous, intruder)) {
                    assertThatThrownBy(() -> other.setData().forPath(node, "{}".getBytes(StandardCharsets.UTF_8)))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                    assertThatThrownBy(() -> other.getData().forPath(node))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                    assertThatThrownBy(() -> other.delete().forPath(node))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                    // the base path the strategy created is closed as well
                    assertThatThrownBy(() -> other.getChildren().forPath("/camel-dblog/offsets"))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                    assertThatThrownBy(() -> other.create().forPath("/camel-dblog/offsets/planted"))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                }
            }

            // the same user reads it back
            ZooKeeperResumeStrategy restarted = new ZooKeeperResumeStrategy(zk.getConnectString());
            restarted.setDigestAuth("cdc:s3cret");
            restarted.start();
            restarted.loadCache();
            assertThat(restarted.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 7);
            restarted.stop();
        }
    }

    @Test
    void restrictAclFalseLeavesNodesOpenAndRestrictAclWithoutCredentialsIsAnError() throws Exception {
        try (TestingServer zk = new TestingServer()) {
            ZooKeeperResumeStrategy open = new ZooKeeperResumeStrategy(zk.getConnectString());
            open.setDigestAuth("cdc:s3cret");
            open.setRestrictAcl(false);
            open.setBasePath("/open");
            open.start();
            open.updateLastOffset(Resumables.of("orders", new TestPosition("f", 7, 0)));
            open.stop();
            try (CuratorFramework anonymous = client(zk, null)) {
                assertThat(anonymous.getData().forPath("/open/orders")).isNotEmpty();
            }

            ZooKeeperResumeStrategy noCredentials = new ZooKeeperResumeStrategy(zk.getConnectString());
            noCredentials.setRestrictAcl(true);
            assertThatThrownBy(noCredentials::start).hasStackTraceContaining("restrictAcl=true but no digestAuth")
                    .hasStackTraceContaining("set digestAuth");
        }
    }

    @Test
    void tlsToTheSecureClientPort() throws Exception {
        String password = "changeit";
        Path server = dir.resolve("zk-server.p12");
        Path trust = dir.resolve("zk-trust.p12");
        keytool("-genkeypair", "-alias", "zk", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", server.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "zk", "-keystore", server.toString(), "-storepass", password, "-rfc",
                "-file", dir.resolve("zk.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "zk", "-file", dir.resolve("zk.pem").toString(), "-keystore",
                trust.toString(), "-storetype", "PKCS12", "-storepass", password);

        int plainPort = freePort();
        int securePort = freePort();
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, String.join("\n",
                "tickTime=500",
                "dataDir=" + dir.resolve("data"),
                "clientPortAddress=127.0.0.1",
                "clientPort=" + plainPort,
                "secureClientPortAddress=127.0.0.1",
                "secureClientPort=" + securePort,
                "admin.enableServer=false",
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location=" + server,
                "ssl.keyStore.password=" + password,
                "ssl.trustStore.location=" + trust,
                "ssl.trustStore.password=" + password,
                "ssl.clientAuth=none") + "\n");
        ServerConfig config = new ServerConfig();
        config.parse(cfg.toString());
        ZooKeeperServerMain zooKeeper = new ZooKeeperServerMain();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                zooKeeper.runFromConfig(config);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // the factory exists before it is bound: until then it has no address and getSecureClientPort() throws
            await().atMost(Duration.ofSeconds(20)).ignoreException(NullPointerException.class)
                    .until(() -> zooKeeper.getSecureClientPort() == securePort);

            ZooKeeperResumeStrategy strategy = new ZooKeeperResumeStrategy("127.0.0.1:" + securePort);
            strategy.setSecure(true);
            strategy.setTrustStoreLocation(trust.toString());
            strategy.setTrustStorePassword(password);
            strategy.setConnectionTimeoutMillis(10_000);
            strategy.start();
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 9, 0)));
            strategy.stop();

            ZooKeeperResumeStrategy reader = new ZooKeeperResumeStrategy("127.0.0.1:" + securePort);
            reader.setSecure(true);
            reader.setTrustStoreLocation(trust.toString());
            reader.setTrustStorePassword(password);
            reader.start();
            reader.loadCache();
            assertThat(reader.getAdapter(DbLogResumeAdapter.class).storedPosition("orders").orElseThrow())
                    .containsEntry("pos", 9);
            reader.stop();

            // without TLS the secure port does not answer: no start, and the error names the store
            ZooKeeperResumeStrategy plain = new ZooKeeperResumeStrategy("127.0.0.1:" + securePort);
            plain.setConnectionTimeoutMillis(2_000);
            assertThatThrownBy(plain::start).hasStackTraceContaining("Cannot reach ZooKeeper 127.0.0.1:" + securePort);

            // a trust store that does not hold ZooKeeper's certificate: refused as well
            Path otherTrust = dir.resolve("other-trust.p12");
            keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other",
                    "-validity", "2", "-keystore", otherTrust.toString(), "-storetype", "PKCS12", "-storepass",
                    password, "-keypass", password);
            ZooKeeperResumeStrategy untrusted = new ZooKeeperResumeStrategy("127.0.0.1:" + securePort);
            untrusted.setSecure(true);
            untrusted.setTrustStoreLocation(otherTrust.toString());
            untrusted.setTrustStorePassword(password);
            untrusted.setConnectionTimeoutMillis(2_000);
            assertThatThrownBy(untrusted::start)
                    .hasStackTraceContaining("Cannot reach ZooKeeper 127.0.0.1:" + securePort);
        } finally {
            zooKeeper.close();
            running.get(20, TimeUnit.SECONDS);
        }
    }

    private static CuratorFramework client(TestingServer zk, String digest) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(zk.getConnectString()).retryPolicy(new RetryOneTime(100));
        if (digest != null) {
            builder.authorization(List.of(new AuthInfo("digest", digest.getBytes(StandardCharsets.UTF_8))));
        }
        CuratorFramework client = builder.build();
        client.start();
        return client;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
