package io.cameldblog.routes;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts {@code io.cameldblog.sandbox.DemoSandbox} from the jars in {@code sandbox/} next to the application
 * jar, in a class loader of its own: the database binaries are only loaded when the sandbox is asked for.
 * When the sandbox classes are already on the class path (tests, IDE), they are used from there.
 */
final class SandboxLauncher implements AutoCloseable {

    private static final String SANDBOX_CLASS = "io.cameldblog.sandbox.DemoSandbox";

    private final AutoCloseable sandbox;
    private final Map<String, String> properties;
    private final URLClassLoader loader;
    private boolean closed;

    private SandboxLauncher(AutoCloseable sandbox, Map<String, String> properties, URLClassLoader loader) {
        this.sandbox = sandbox;
        this.properties = properties;
        this.loader = loader;
    }

    @SuppressWarnings("unchecked")
    static SandboxLauncher start(Path dataDir, long workloadPeriodMillis) throws Exception {
        keepDataOutOfTempDir(dataDir);
        URLClassLoader loader = null;
        ClassLoader classes = SandboxLauncher.class.getClassLoader();
        if (!isPresent(classes)) {
            loader = new SandboxClassLoader(sandboxJars(), classes);
            classes = loader;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the server libraries find their binaries through the context class loader
        thread.setContextClassLoader(classes);
        try {
            Class<?> type = classes.loadClass(SANDBOX_CLASS);
            AutoCloseable sandbox = (AutoCloseable) type.getMethod("start", Path.class, long.class)
                    .invoke(null, dataDir, workloadPeriodMillis);
            Map<String, String> properties = (Map<String, String>) type.getMethod("properties").invoke(sandbox);
            return new SandboxLauncher(sandbox, properties, loader);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * MariaDB's launcher wipes data directories under java.io.tmpdir at every start; a checkout under /tmp would
     * lose its demo data (and the stored positions would point past it). Temp files go next to the data then.
     */
    private static void keepDataOutOfTempDir(Path dataDir) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (dataDir.toAbsolutePath().normalize().startsWith(tmp)) {
            Path own = dataDir.toAbsolutePath().resolve("tmp");
            Files.createDirectories(own);
            System.setProperty("java.io.tmpdir", own.toString());
        }
    }

    /** Starts the demo workload, once the routes are running. */
    void startWorkload() throws Exception {
        sandbox.getClass().getMethod("startWorkload").invoke(sandbox);
    }

    Map<String, String> properties() {
        return properties;
    }

    private static boolean isPresent(ClassLoader classes) {
        try {
            classes.loadClass(SANDBOX_CLASS);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static URL[] sandboxJars() throws IOException {
        Path appJar;
        try {
            appJar = Path.of(SandboxLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IOException("Cannot locate the application jar: " + e.getMessage(), e);
        }
        Path dir = appJar.resolveSibling("sandbox");
        if (!Files.isDirectory(dir)) {
            throw new IOException("The sandbox needs the jars in " + dir + ", which does not exist. Fix: build with"
                                  + " 'mvn package -DskipTests' (it copies them there), or configure your own"
                                  + " databases (see README.md) instead of --sandbox.");
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(toUrl(jar));
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Child-first: where a library is both on the application's class path and in {@code sandbox/} (ZooKeeper,
     * whose server needs the metrics library only the sandbox carries), the sandbox's copy wins.
     */
    private static final class SandboxClassLoader extends URLClassLoader {

        SandboxClassLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.") && !name.startsWith("org.slf4j.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        // not in the sandbox's jars: the application's
                    }
                }
                if (c == null) {
                    c = getParent().loadClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sandbox.close();
        } finally {
            if (loader != null) {
                loader.close();
            }
        }
    }
}
