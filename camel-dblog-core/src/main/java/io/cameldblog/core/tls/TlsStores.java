package io.cameldblog.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.cameldblog.core.DbLogConfigurationException;

/**
 * Trust and key material from the files a DBA hands out: a PEM file of CA certificates (what {@code --ssl-ca} and
 * {@code sslrootcert} take) or a PKCS#12 / JKS key store. One loader for every source, so every connection of a
 * route verifies its server against the same certificates.
 */
public final class TlsStores {

    private TlsStores() {
    }

    /** Trust managers for the CA certificates in {@code file}; {@code null} file: the JVM's default trust store. */
    public static TrustManager[] trustManagers(String file, String password, String option)
            throws DbLogConfigurationException {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(Path.of(file), password, true));
            return tmf.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw unreadable(option, file, e);
        }
    }

    /** Key managers for the client certificate and key in the key store {@code file}; {@code null} for none. */
    public static KeyManager[] keyManagers(String file, String password, String option)
            throws DbLogConfigurationException {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(Path.of(file), password, false), password == null ? new char[0] : password.toCharArray());
            return kmf.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw unreadable(option, file, e);
        }
    }

    /** Whether the file is PEM text (CA certificates) rather than a binary key store. */
    public static boolean isPem(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] head = in.readNBytes(64);
            return new String(head, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN");
        } catch (IOException e) {
            return file.toLowerCase(Locale.ROOT).endsWith(".pem") || file.toLowerCase(Locale.ROOT).endsWith(".crt");
        }
    }

    private static KeyStore load(Path file, String password, boolean pemAllowed)
            throws IOException, GeneralSecurityException {
        if (pemAllowed && isPem(file.toString())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(file)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException("no certificate in the file");
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            return store;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        KeyStore store = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    private static DbLogConfigurationException unreadable(String option, String file, Exception e) {
        // the message names the file, never its password
        return new DbLogConfigurationException(
                "Cannot read " + option + " '" + file + "': " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + ".",
                "point " + option + " at a readable PEM file of CA certificates or a PKCS#12/JKS key store, with its"
                + " password if it has one.", e);
    }
}
