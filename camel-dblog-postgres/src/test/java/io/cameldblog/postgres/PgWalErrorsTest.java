package io.cameldblog.postgres;

import java.util.Map;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Each setup mistake fails the route's start with a message naming the cause and the fix. */
class PgWalErrorsTest {

    private static final String DB = "errors";
    private static SandboxPostgres pg;

    @BeforeAll
    static void startServer() {
        pg = SandboxPostgres.start();
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE keyed (id int PRIMARY KEY)", "CREATE TABLE keyless (a int)",
                "CREATE ROLE plain LOGIN PASSWORD 'plain-secret'", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO plain");
    }

    @AfterAll
    static void stopServer() {
        pg.close();
    }

    @Test
    void userWithoutTheReplicationAttributeIsToldWhichGrantIsMissing() {
        String uri = "pgwal:plain?host=" + pg.host() + "&port=" + pg.port() + "&database=" + DB
                     + "&username=plain&password=plain-secret&slot=plain_slot&includeTables=public\\.keyed";
        assertThat(startFailure(uri)).contains("'plain'", "REPLICATION", "Fix:").doesNotContain("plain-secret");
    }

    @Test
    void walLevelOtherThanLogicalNamesTheSetting() {
        try (SandboxPostgres physical = SandboxPostgres.start(Map.of("wal_level", "replica"))) {
            physical.createDatabase(DB);
            assertThat(startFailure(PgTestSupport.uri(physical, "wal", DB, "wal_slot", "")))
                    .contains("wal_level=replica", "wal_level=logical", "Fix:");
        }
    }

    @Test
    void aSlotInUseByAnotherConnectionIsAnErrorNotATakeover() throws Exception {
        CamelContext first = start(PgTestSupport.uri(pg, "first", DB, "shared_slot", "includeTables=public\\.keyed"));
        try {
            assertThat(startFailure(PgTestSupport.uri(pg, "second", DB, "shared_slot", "includeTables=public\\.keyed")))
                    .contains("shared_slot", "in use by another connection", "Fix:");
        } finally {
            first.stop();
        }
    }

    @Test
    void aCapturedTableWithoutReplicaIdentityIsNamed() {
        assertThat(startFailure(PgTestSupport.uri(pg, "keyless", DB, "keyless_slot", "includeTables=public\\.keyless")))
                .contains("public.keyless", "replica identity", "Fix:");
    }

    @Test
    void anInvalidSlotNameIsRejectedWithTheRule() {
        assertThat(startFailure(PgTestSupport.uri(pg, "bad", DB, "Bad-Slot", "")))
                .contains("slot='Bad-Slot'", "lower-case letters");
    }

    @Test
    void aPluginOtherThanPgoutputIsRejectedInsteadOfMisread() {
        assertThat(startFailure(PgTestSupport.uri(pg, "plugin", DB, "plugin_slot", "plugin=decoderbufs")))
                .contains("plugin='decoderbufs'", "Fix: use plugin=pgoutput");
    }

    @Test
    void wal2jsonOnAServerWithoutTheExtensionNamesThePackage() {
        // zonky's binaries have no wal2json
        assertThat(startFailure(PgTestSupport.uri(pg, "nowal2json", DB, "nowal2json_slot", "plugin=wal2json")))
                .contains("output plugin 'wal2json'", "Fix: install the plugin on the server", "or use plugin=pgoutput");
    }

    private static CamelContext start(String uri) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).to("log:received?level=DEBUG");
            }
        });
        context.start();
        return context;
    }

    static String startFailure(String uri) {
        CamelContext context = null;
        try {
            context = start(uri);
        } catch (Exception e) {
            DbLogConfigurationException config = ObjectHelper.getException(DbLogConfigurationException.class, e);
            return config != null ? config.getMessage() : String.valueOf(e);
        } finally {
            if (context != null) {
                context.stop();
            }
        }
        return fail("the route started from " + uri);
    }
}
