package io.cameldblog.mysql;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Properties;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import com.github.shyiko.mysql.binlog.network.SSLSocketFactory;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.tls.TlsStores;

/**
 * The endpoint's TLS settings applied alike to both connections of a reader: the binlog client's replication
 * connection and the JDBC catalogue connection. Both verify the server the same way; the binlog client on its own
 * would trust any certificate in {@code REQUIRED} mode.
 */
final class MysqlTls {

    /** MySQL's --ssl-mode names, in increasing strength. */
    enum Mode {
        DISABLED("disable", SSLMode.DISABLED),
        REQUIRED("trust", SSLMode.REQUIRED),
        VERIFY_CA("verify-ca", SSLMode.VERIFY_CA),
        VERIFY_IDENTITY("verify-full", SSLMode.VERIFY_IDENTITY);

        final String jdbc;
        final SSLMode binlog;

        Mode(String jdbc, SSLMode binlog) {
            this.jdbc = jdbc;
            this.binlog = binlog;
        }
    }

    private final Mode mode;
    private final String trustStore;
    private final String trustStorePassword;
    private final String keyStore;
    private final String keyStorePassword;
    private final String host;

    private MysqlTls(Mode mode, MysqlBinlogEndpoint endpoint) {
        this.mode = mode;
        this.host = endpoint.getHost();
        this.trustStore = endpoint.getTrustStore();
        this.trustStorePassword = endpoint.getTrustStorePassword();
        this.keyStore = endpoint.getKeyStore();
        this.keyStorePassword = endpoint.getKeyStorePassword();
    }

    static MysqlTls of(MysqlBinlogEndpoint endpoint) {
        String option = endpoint.getSslMode();
        Mode mode;
        if (option == null || option.isBlank()) {
            mode = endpoint.isSsl() ? Mode.VERIFY_IDENTITY : Mode.DISABLED;
        } else {
            try {
                mode = Mode.valueOf(option.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new DbLogConfigurationException("Option sslMode=" + option + " is not a TLS mode.",
                        "use one of disabled, required, verify_ca, verify_identity.");
            }
        }
        if (mode == Mode.DISABLED && (endpoint.getTrustStore() != null || endpoint.getKeyStore() != null)) {
            throw new DbLogConfigurationException(
                    "mysqlbinlog:" + endpoint.getName() + " has a trustStore or keyStore but TLS is off.",
                    "set sslMode=verify_identity (or ssl=true) to use them, or remove them.");
        }
        return new MysqlTls(mode, endpoint);
    }

    Mode mode() {
        return mode;
    }

    /** The replication connection: the mode, and our trust and key material instead of the client's defaults. */
    void applyTo(BinaryLogClient client) {
        client.setSSLMode(mode.binlog);
        if (mode == Mode.DISABLED) {
            return;
        }
        KeyManager[] keys = TlsStores.keyManagers(keyStore, keyStorePassword, "keyStore");
        TrustManager[] trust = mode == Mode.REQUIRED
                // required: encrypted, the server unverified (as MySQL's own client does in this mode)
                ? new TrustManager[] { new TrustAnyServer() }
                : TlsStores.trustManagers(trustStore, trustStorePassword, "trustStore");
        client.setSslSocketFactory(new ClientSocketFactory(keys, trust, host, mode == Mode.VERIFY_IDENTITY));
    }

    /**
     * The client's own factory names the TLS peer by a reverse lookup of the server's address (127.0.0.1 becomes
     * "localhost", so a certificate for "localhost" passes for any address that resolves back to it) and replaces
     * the socket's read timeout with five minutes. This one checks the host name the user configured, with the
     * JDK's own rules (IP addresses only against IP entries), and keeps the timeout that detects a dead link.
     */
    private static final class ClientSocketFactory implements SSLSocketFactory {
        private final KeyManager[] keys;
        private final TrustManager[] trust;
        private final String host;
        private final boolean verifyHost;

        ClientSocketFactory(KeyManager[] keys, TrustManager[] trust, String host, boolean verifyHost) {
            this.keys = keys;
            this.trust = trust;
            this.host = host;
            this.verifyHost = verifyHost;
        }

        @Override
        public SSLSocket createSocket(Socket socket) throws SocketException {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys, trust, null);
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(),
                        true);
                tls.setSoTimeout(socket.getSoTimeout());
                if (verifyHost) {
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(parameters);
                }
                return tls;
            } catch (GeneralSecurityException | IOException e) {
                SocketException failure = new SocketException("TLS setup failed: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
        }
    }

    /** The catalogue connection (MariaDB Connector/J): the same mode and the same files. */
    void applyTo(Properties jdbc) {
        jdbc.setProperty("sslMode", mode.jdbc);
        if (mode == Mode.DISABLED) {
            return;
        }
        if (trustStore != null && !trustStore.isBlank()) {
            if (TlsStores.isPem(trustStore)) {
                jdbc.setProperty("serverSslCert", trustStore);
            } else {
                jdbc.setProperty("trustStore", trustStore);
                jdbc.setProperty("trustStoreType", storeType(trustStore));
                if (trustStorePassword != null) {
                    jdbc.setProperty("trustStorePassword", trustStorePassword);
                }
            }
        }
        if (keyStore != null && !keyStore.isBlank()) {
            jdbc.setProperty("keyStore", keyStore);
            jdbc.setProperty("keyStoreType", storeType(keyStore));
            if (keyStorePassword != null) {
                jdbc.setProperty("keyStorePassword", keyStorePassword);
            }
        }
    }

    private static String storeType(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    /** Only for sslMode=required, which by definition does not verify the server. */
    private static final class TrustAnyServer implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
