package io.cameldblog.core.tls;

import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;

import io.cameldblog.core.DbLogConfigurationException;

/**
 * A refused TLS handshake is configuration, not a network hiccup: retrying with back-off cannot make an untrusted
 * certificate trusted, so it fails the start with what the server presented and the fix.
 */
public final class TlsFailure {

    private TlsFailure() {
    }

    /** Whether a TLS handshake or certificate check is anywhere in the cause chain. */
    public static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException
                || t.getClass().getSimpleName().equals("IdentityVerificationException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    public static DbLogConfigurationException refused(String server, Throwable error, String fix) {
        return new DbLogConfigurationException("TLS to the " + server + " failed: " + innermost(error) + ".", fix,
                error);
    }

    private static String innermost(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
