package io.cameldblog.springboot;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where routes with {@code resumable} store their positions: {@code camel.dblog.positions.*}. Setting either
 * {@code zookeeper.connect-string} or {@code directory} registers the resume strategy as the bean
 * {@code positions}, which a route names in {@code resumable: resumeStrategy: positions}.
 */
@ConfigurationProperties(prefix = "camel.dblog.positions")
public class DbLogPositionsConfiguration {

    /**
     * Directory of the position files (one JSON file per endpoint, replaced atomically): a single machine.
     * Leave unset when ZooKeeper stores the positions.
     */
    private String directory;
    /**
     * Store positions after this many completed exchanges (1: after each one).
     */
    private int batchSize = 1;
    /**
     * Also store at least this often while positions wait (0 or unset: only by count and on stop).
     */
    private Duration batchInterval;
    /**
     * The least time between two writes of the store; positions arriving sooner wait and the newest is written then
     * (at once when half of maxUnstored wait). 0: write again as soon as the previous write returned.
     */
    private Duration writeInterval = Duration.ofMillis(100);
    /**
     * How many completed exchanges may wait for an unreachable store before the stream is held.
     */
    private int maxUnstored = 10_000;

    private final ZooKeeper zookeeper = new ZooKeeper();

    public String getDirectory() {
        return directory;
    }

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getBatchInterval() {
        return batchInterval;
    }

    public void setBatchInterval(Duration batchInterval) {
        this.batchInterval = batchInterval;
    }

    public Duration getWriteInterval() {
        return writeInterval;
    }

    public void setWriteInterval(Duration writeInterval) {
        this.writeInterval = writeInterval;
    }

    public int getMaxUnstored() {
        return maxUnstored;
    }

    public void setMaxUnstored(int maxUnstored) {
        this.maxUnstored = maxUnstored;
    }

    public ZooKeeper getZookeeper() {
        return zookeeper;
    }

    /** Positions in ZooKeeper, so a route can move to another machine (e.g. behind {@code master:}). */
    public static class ZooKeeper {

        /**
         * ZooKeeper ensemble, e.g. zk1:2181,zk2:2181,zk3:2181. Leave unset when positions go to a directory.
         */
        private String connectString;
        /**
         * Parent node of the positions: each endpoint's position is the node base-path/endpoint-name.
         */
        private String basePath = "/camel-dblog/offsets";
        /**
         * ZooKeeper session timeout.
         */
        private Duration sessionTimeout = Duration.ofSeconds(30);
        /**
         * How long the start waits to reach ZooKeeper before the route fails to start.
         */
        private Duration connectionTimeout = Duration.ofSeconds(15);
        /**
         * user:password for ZooKeeper's digest scheme (never logged).
         */
        private String digestAuth;
        /**
         * With digest auth: create the position nodes readable and writable by that user only.
         */
        private boolean restrictAcl;

        public String getConnectString() {
            return connectString;
        }

        public void setConnectString(String connectString) {
            this.connectString = connectString;
        }

        public String getBasePath() {
            return basePath;
        }

        public void setBasePath(String basePath) {
            this.basePath = basePath;
        }

        public Duration getSessionTimeout() {
            return sessionTimeout;
        }

        public void setSessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }

        public String getDigestAuth() {
            return digestAuth;
        }

        public void setDigestAuth(String digestAuth) {
            this.digestAuth = digestAuth;
        }

        public boolean isRestrictAcl() {
            return restrictAcl;
        }

        public void setRestrictAcl(boolean restrictAcl) {
            this.restrictAcl = restrictAcl;
        }
    }
}
