package io.cameldblog.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar camel-dblog.jar [--sandbox] [--routes DIR] [--data DIR]}: runs the YAML routes of a
 * directory with camel-main. Sources are configured in {@code application.properties}, each overridable by an
 * environment variable ({@code MYSQL_HOST}, ...). Only with {@code --sandbox} are local servers with a demo
 * workload started first and the routes pointed at them; without it and without a source the app refuses to start
 * (a deploy that lost its variables must not run a demo with open ports).
 */
public final class DbLogApplication {

    private static final Logger LOG = LoggerFactory.getLogger(DbLogApplication.class);

    /** Environment variables that name a user's own source; with none of them set, only --sandbox starts. */
    static final List<String> SOURCE_VARIABLES = List.of("MYSQL_HOST", "PG_HOST", "MONGO_URI");

    private DbLogApplication() {
    }

    public static void main(String[] args) throws Exception {
        // libraries that log through java.util.logging (the binlog client) follow log4j2.properties too
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error(e.getMessage());
            System.exit(2);
            return;
        }
        Main main = new Main(DbLogApplication.class);
        main.configure().withRoutesIncludePattern(options.routesPattern());
        SandboxLauncher sandbox = null;
        if (options.sandbox()) {
            LOG.info("Starting the sandbox (data in {}); Ctrl-C stops it and stores the positions", options.dataDir());
            sandbox = SandboxLauncher.start(options.dataDir(), options.workloadPeriodMillis());
            sandbox.properties().forEach(main::addOverrideProperty);
        }
        SandboxLauncher started = sandbox;
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                CamelContext camel = m.getCamelContext();
                if (started != null) {
                    // the one shutdown path: Camel stops the routes (which store their positions), then its
                    // services, this one among them; the JVM's SIGTERM hook waits for all of it
                    try {
                        camel.addService(new SandboxService(started), true, false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
                ChangeStreamProgress progress = new ChangeStreamProgress();
                progress.setCamelContext(camel);
                camel.getPropertiesComponent().resolveProperty("dblog.progress-millis")
                        .ifPresent(v -> progress.setIntervalMillis(Long.parseLong(v.trim())));
                camel.getManagementStrategy().addEventNotifier(progress);
                PositionStore.bind(camel);
                try {
                    HighAvailability.configure(camel);
                } catch (Exception e) {
                    throw new IllegalStateException("High availability could not be set up: " + e.getMessage(), e);
                }
                PositionStore.logRoutes(camel);
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                HealthAnswer.install(m.getCamelContext());
                if (started != null) {
                    try {
                        started.startWorkload();
                    } catch (Exception e) {
                        LOG.warn("Sandbox workload did not start: {}", e.getMessage());
                    }
                }
            }
        });
        try {
            main.run();
        } finally {
            // also when the routes failed to start: the servers' processes would keep the JVM alive
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    static final String NO_SOURCE = "No source configured, so nothing to read. Set at least one of:\n"
            + "  MYSQL_HOST (with MYSQL_PORT, MYSQL_USERNAME, MYSQL_PASSWORD, MYSQL_ENABLED=true)\n"
            + "  PG_HOST (with PG_PORT, PG_DATABASE, PG_USERNAME, PG_PASSWORD, PG_SLOT, PG_ENABLED=true)\n"
            + "  MONGO_URI (with MONGO_ENABLED=true)\n"
            + "and DBLOG_ZOOKEEPER or DBLOG_OFFSETS for the positions (README.md lists every variable).\n"
            + "To try it with local demo servers instead: java -jar camel-dblog.jar --sandbox. Routes that carry their"
            + " own connection settings: --no-sandbox.";

    record Options(boolean sandbox, String routesPattern, Path dataDir, long workloadPeriodMillis) {

        static Options parse(String[] args, Map<String, String> env) {
            Boolean sandbox = null;
            String routesDir = firstNonBlank(env.get("DBLOG_ROUTES"), "routes/src/main/resources/routes");
            Path dataDir = Path.of(firstNonBlank(env.get("DBLOG_SANDBOX_DATA"), "sandbox-data"));
            long period = 500;
            List<String> rest = new ArrayList<>(List.of(args));
            for (int i = 0; i < rest.size(); i++) {
                switch (rest.get(i)) {
                    case "--sandbox" -> sandbox = true;
                    case "--no-sandbox" -> sandbox = false;
                    case "--routes" -> routesDir = value(rest, ++i, "--routes");
                    case "--data" -> dataDir = Path.of(value(rest, ++i, "--data"));
                    case "--workload-period" -> period = Long.parseLong(value(rest, ++i, "--workload-period"));
                    default -> throw new IllegalArgumentException("Unknown argument " + rest.get(i)
                                                                  + ". Use: [--sandbox|--no-sandbox] [--routes DIR]"
                                                                  + " [--data DIR] [--workload-period MS]");
                }
            }
            boolean sourceSet = SOURCE_VARIABLES.stream().map(env::get).anyMatch(v -> v != null && !v.isBlank());
            if (sandbox == null && !sourceSet) {
                throw new IllegalArgumentException(NO_SOURCE);
            }
            // from the source tree the routes directory exists; from anywhere else the jar's own copies serve
            String pattern = Files.isDirectory(Path.of(routesDir))
                    ? "file:" + Path.of(routesDir).toAbsolutePath() + "/*.yaml"
                    : "classpath:routes/*.yaml";
            return new Options(Boolean.TRUE.equals(sandbox), pattern, dataDir.toAbsolutePath(), period);
        }

        private static String value(List<String> args, int i, String name) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args.get(i);
        }

        private static String firstNonBlank(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value;
        }
    }

    /** The sandbox's servers as a Camel service: stopped by Camel after every route has stopped. */
    private static final class SandboxService extends org.apache.camel.support.service.ServiceSupport {

        private final SandboxLauncher sandbox;

        SandboxService(SandboxLauncher sandbox) {
            this.sandbox = sandbox;
        }

        @Override
        protected void doStop() throws Exception {
            LOG.info("Routes stopped: stopping the sandbox's workload and servers");
            sandbox.close();
            LOG.info("Sandbox stopped");
        }
    }
}
