package io.cameldblog.core.resume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.json.ChangeEventJson;

/**
 * Positions in files on one machine: {@code <directory>/<endpoint name>.json}, each replaced atomically (written
 * to a temporary file, forced to disk, renamed over the old one, directory forced), so a crash at any moment
 * leaves either the old or the new position, never a torn file. The embedded default when no ZooKeeper is
 * configured.
 */
public class FileResumeStrategy extends BatchingResumeStrategy {

    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private Path directory = Path.of("offsets");

    public FileResumeStrategy() {
    }

    public FileResumeStrategy(Path directory) {
        this.directory = directory;
    }

    public Path getDirectory() {
        return directory;
    }

    public void setDirectory(String directory) {
        this.directory = Path.of(directory);
    }

    @Override
    protected String describeStore() {
        return "directory " + directory;
    }

    /**
     * Compares with the stored file and renames over it under a lock file, so two processes sharing the directory
     * cannot move a position backwards between the comparison and the rename.
     */
    @Override
    protected boolean store(String endpointName, Map<String, Object> entry, LogPosition position) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(fileName(endpointName));
        Path temp = directory.resolve(fileName(endpointName) + ".tmp");
        // FileLock is per process: strategies of one JVM sharing the directory take this monitor first
        synchronized (LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), k -> new Object())) {
            return storeLocked(target, temp, entry, position);
        }
    }

    private boolean storeLocked(Path target, Path temp, Map<String, Object> entry, LogPosition position)
            throws IOException {
        try (FileChannel lockFile = FileChannel.open(target.resolveSibling(target.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            if (Files.exists(target) && storedIsNewer(position, readEntry(target))) {
                return false;
            }
            byte[] json = ChangeEventJson.write(entry).getBytes(StandardCharsets.UTF_8);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(java.nio.ByteBuffer.wrap(json));
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory();
            return true;
        }
    }

    private static Map<String, Object> readEntry(Path file) {
        try {
            return ChangeEventJson.parseObject(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            // unreadable: nothing to compare with, the new position replaces it
            return null;
        }
    }

    /** The rename is only durable once the directory entry is. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for syncing; the rename itself is still atomic
        }
    }

    @Override
    protected Map<String, Map<String, Object>> loadAll() throws IOException {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return all;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Map<String, Object> entry = ChangeEventJson.parseObject(Files.readAllBytes(file));
                Object endpoint = entry.get("endpoint");
                if (endpoint != null) {
                    all.put(endpoint.toString(), entry);
                }
            }
        }
        return all;
    }

    /** Endpoint names are the user's: keep file names safe and still recognisable. */
    static String fileName(String endpointName) {
        return endpointName.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }
}
