package io.cameldblog.routes;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which start-up the command line and the environment choose: the sandbox only when asked for. */
class DbLogApplicationOptionsTest {

    @Test
    void withoutASourceAndWithoutTheFlagTheAppRefusesAndListsTheVariables() {
        assertThatThrownBy(() -> DbLogApplication.Options.parse(new String[0], Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MYSQL_HOST").hasMessageContaining("PG_HOST").hasMessageContaining("MONGO_URI")
                .hasMessageContaining("--sandbox");
    }

    @Test
    void theSandboxStartsOnlyWithTheFlag() {
        assertThat(DbLogApplication.Options.parse(new String[] { "--sandbox" }, Map.of()).sandbox()).isTrue();
        assertThat(DbLogApplication.Options.parse(new String[0], Map.of("MYSQL_HOST", "db")).sandbox()).isFalse();
        assertThat(DbLogApplication.Options.parse(new String[] { "--no-sandbox" }, Map.of()).sandbox()).isFalse();
    }
}
