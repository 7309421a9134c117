package io.cameldblog.core.resume;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.json.ChangeEventJson;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * Positions in ZooKeeper, so a route can move to another machine (e.g. behind {@code master:}) and continue:
 * each endpoint's position is the node {@code <basePath>/<endpoint name>} holding the small JSON document of
 * {@link BatchingResumeStrategy}. The Curator client retries and reconnects; while ZooKeeper is unreachable the
 * stream goes on up to {@code maxUnstored} positions and is then held, never skipping one.
 */
public class ZooKeeperResumeStrategy extends BatchingResumeStrategy {

    private String connectString;
    private String basePath = "/camel-dblog/offsets";
    private int sessionTimeoutMillis = 30_000;
    private int connectionTimeoutMillis = 15_000;
    private String digestAuth;
    private Boolean restrictAcl;
    private boolean secure;
    private String trustStoreLocation;
    private String trustStorePassword;
    private String keyStoreLocation;
    private String keyStorePassword;

    private CuratorFramework client;
    private boolean ownsClient;
    /**
     * The node version this strategy's last write left, per path: a write at that version proves nobody stored in
     * between (another instance after a failover, a user resetting the position), so it needs no read first.
     */
    private final Map<String, Integer> lastWritten = new ConcurrentHashMap<>();

    public ZooKeeperResumeStrategy() {
    }

    public ZooKeeperResumeStrategy(String connectString) {
        this.connectString = connectString;
    }

    /** Uses a client the application already manages (started; not closed by this strategy). */
    public ZooKeeperResumeStrategy(CuratorFramework client) {
        this.client = client;
    }

    public String getConnectString() {
        return connectString;
    }

    /** ZooKeeper ensemble, e.g. {@code zk1:2181,zk2:2181,zk3:2181}. */
    public void setConnectString(String connectString) {
        this.connectString = connectString;
    }

    public String getBasePath() {
        return basePath;
    }

    public void setBasePath(String basePath) {
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    }

    public void setSessionTimeoutMillis(int sessionTimeoutMillis) {
        this.sessionTimeoutMillis = sessionTimeoutMillis;
    }

    public void setConnectionTimeoutMillis(int connectionTimeoutMillis) {
        this.connectionTimeoutMillis = connectionTimeoutMillis;
    }

    /** {@code user:password} for ZooKeeper's digest scheme (never logged). */
    public void setDigestAuth(String digestAuth) {
        this.digestAuth = digestAuth;
    }

    /**
     * Create nodes readable and writable by the {@code digestAuth} user only. Defaults to true when credentials are
     * given: anyone who can rewrite a position can make a stream skip data. {@code false} leaves new nodes open to
     * every client (ZooKeeper's {@code world:anyone}).
     */
    public void setRestrictAcl(boolean restrictAcl) {
        this.restrictAcl = restrictAcl;
    }

    /** TLS to ZooKeeper's secure client port ({@code secureClientPort}); the connect string names that port. */
    public void setSecure(boolean secure) {
        this.secure = secure;
    }

    /** With {@code secure}: the trust store holding the CA of ZooKeeper's certificate (JKS, PKCS12 or PEM). */
    public void setTrustStoreLocation(String trustStoreLocation) {
        this.trustStoreLocation = trustStoreLocation;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    /** With {@code secure}: a client certificate, for servers that ask for one ({@code ssl.clientAuth}). */
    public void setKeyStoreLocation(String keyStoreLocation) {
        this.keyStoreLocation = keyStoreLocation;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    private boolean hasCredentials() {
        return digestAuth != null && !digestAuth.isBlank();
    }

    @Override
    protected String describeStore() {
        return "ZooKeeper " + (connectString != null ? connectString : "client") + basePath;
    }

    @Override
    protected void doStart() throws Exception {
        lastWritten.clear();
        if (client == null) {
            if (connectString == null || connectString.isBlank()) {
                throw new DbLogConfigurationException("ZooKeeperResumeStrategy has no connect string.",
                        "set connectString to the ZooKeeper ensemble, e.g. zk1:2181,zk2:2181,zk3:2181.");
            }
            CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                    .connectString(connectString)
                    .sessionTimeoutMs(sessionTimeoutMillis)
                    .connectionTimeoutMs(connectionTimeoutMillis)
                    // short: a store that cannot reach ZooKeeper leaves its position waiting, it must not stall
                    .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000));
            if (hasCredentials()) {
                builder.authorization(List.of(new AuthInfo("digest", digestAuth.getBytes(StandardCharsets.UTF_8))));
                if (restrictAcl == null || restrictAcl) {
                    builder.aclProvider(new CreatorOnlyAcl());
                }
            } else if (Boolean.TRUE.equals(restrictAcl)) {
                throw new DbLogConfigurationException("ZooKeeperResumeStrategy has restrictAcl=true but no digestAuth:"
                                                      + " nodes restricted to their creator need credentials.",
                        "set digestAuth to user:password (the nodes are then that user's only), or drop restrictAcl.");
            }
            if (secure) {
                builder.zkClientConfig(tlsConfig());
            }
            client = builder.build();
            ownsClient = true;
            client.start();
        }
        if (!client.blockUntilConnected(connectionTimeoutMillis, TimeUnit.MILLISECONDS)) {
            String where = describeStore();
            if (ownsClient) {
                client.close();
                client = null;
            }
            throw new DbLogConfigurationException("Cannot reach " + where + " within " + connectionTimeoutMillis
                                                  + " ms to read the stored positions.",
                    "check connectString and that ZooKeeper is running and reachable from here; the route does not"
                                                                                           + " start without its stored position, so nothing is skipped.");
        }
        super.doStart();
    }

    /** ZooKeeper's own client TLS: the Netty socket, and the trust store that verifies the server's certificate. */
    private ZKClientConfig tlsConfig() {
        if (trustStoreLocation == null || trustStoreLocation.isBlank()) {
            throw new DbLogConfigurationException("ZooKeeperResumeStrategy has secure=true but no trustStoreLocation.",
                    "set trustStoreLocation (and trustStorePassword) to a trust store holding the CA of ZooKeeper's"
                                                                                                + " certificate.");
        }
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
        try (ClientX509Util x509 = new ClientX509Util()) {
            config.setProperty(x509.getSslTruststoreLocationProperty(), trustStoreLocation);
            if (trustStorePassword != null) {
                config.setProperty(x509.getSslTruststorePasswdProperty(), trustStorePassword);
            }
            if (keyStoreLocation != null && !keyStoreLocation.isBlank()) {
                config.setProperty(x509.getSslKeystoreLocationProperty(), keyStoreLocation);
                if (keyStorePassword != null) {
                    config.setProperty(x509.getSslKeystorePasswdProperty(), keyStorePassword);
                }
            }
        }
        return config;
    }

    @Override
    protected void doStop() throws Exception {
        try {
            super.doStop();
        } finally {
            if (ownsClient && client != null) {
                client.close();
                client = null;
            }
        }
    }

    /**
     * A conditional write on the node's version: read, compare, write only if the version is still the one read.
     * When another writer got in between, the version check fails and the node is read again, so an older position
     * never lands over a newer one.
     */
    @Override
    protected boolean store(String endpointName, Map<String, Object> entry, LogPosition position) throws Exception {
        CuratorFramework client = this.client;
        if (client == null) {
            throw new IllegalStateException(describeStore() + " is closed");
        }
        if (!client.getZookeeperClient().isConnected()) {
            // Curator reconnects in the background; until then the position waits instead of blocking the stream
            throw new IllegalStateException("not connected to " + describeStore());
        }
        byte[] json = ChangeEventJson.write(entry).getBytes(StandardCharsets.UTF_8);
        String path = basePath + "/" + endpointName;
        Integer ours = lastWritten.get(path);
        if (ours != null) {
            // the node still holds what this strategy wrote last (same version): nobody stored in between, so there
            // is nothing newer to compare with; one round trip instead of a read, a parse and a write
            try {
                lastWritten.put(path, client.setData().withVersion(ours).forPath(path, json).getVersion());
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException changed) {
                lastWritten.remove(path);
            }
        }
        while (true) {
            Stat stat = new Stat();
            byte[] current;
            try {
                current = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, json);
                    lastWritten.put(path, 0);
                    return true;
                } catch (KeeperException.NodeExistsException raced) {
                    continue;
                }
            }
            if (current != null && current.length > 0 && storedIsNewer(position, parse(current))) {
                return false;
            }
            try {
                lastWritten.put(path, client.setData().withVersion(stat.getVersion()).forPath(path, json).getVersion());
                return true;
            } catch (KeeperException.BadVersionException raced) {
                // another writer stored meanwhile: compare with what it stored
            } catch (KeeperException.NoNodeException deleted) {
                // removed meanwhile (a user resetting the position): create it again
            }
        }
    }

    private static Map<String, Object> parse(byte[] data) {
        try {
            return ChangeEventJson.parseObject(data);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    protected Map<String, Map<String, Object>> loadAll() throws Exception {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        if (client.checkExists().forPath(basePath) == null) {
            return all;
        }
        for (String child : client.getChildren().forPath(basePath)) {
            byte[] data = client.getData().forPath(basePath + "/" + child);
            if (data != null && data.length > 0) {
                all.put(child, ChangeEventJson.parseObject(data));
            }
        }
        return all;
    }

    /** Nodes only their creator (the digest user) may read and write. */
    private static final class CreatorOnlyAcl implements ACLProvider {
        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }
    }
}
