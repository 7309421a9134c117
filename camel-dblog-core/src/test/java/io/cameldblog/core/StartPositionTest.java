package io.cameldblog.core;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartPositionTest {

    /** The smallest possible source position: a plain offset. */
    record Offset(long value) implements LogPosition {
        @Override
        public String text() {
            return Long.toString(value);
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("offset", value);
        }
    }

    private static final PositionCodec<Offset> CODEC = new PositionCodec<>() {
        @Override
        public Offset fromMap(Map<String, Object> stored) {
            return new Offset(((Number) stored.get("offset")).longValue());
        }

        @Override
        public Offset parse(String text) {
            try {
                return new Offset(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, got '" + text + "'");
            }
        }
    };

    @Test
    void latestIsTheDefault() {
        assertThat(StartPosition.parse(null, CODEC, "42").kind()).isEqualTo(StartPosition.Kind.LATEST);
        assertThat(StartPosition.parse("LATEST", CODEC, "42").kind()).isEqualTo(StartPosition.Kind.LATEST);
        assertThat(StartPosition.parse("earliest", CODEC, "42").kind()).isEqualTo(StartPosition.Kind.EARLIEST);
    }

    @Test
    void explicitPositionUsesTheSourceCodec() {
        StartPosition<Offset> p = StartPosition.parse(" 1234 ", CODEC, "42");

        assertThat(p.kind()).isEqualTo(StartPosition.Kind.AT);
        assertThat(p.position()).isEqualTo(new Offset(1234));
        assertThat(p.isRestored()).isFalse();
        assertThat(StartPosition.restored(new Offset(3)).isRestored()).isTrue();
    }

    @Test
    void badPositionNamesTheOptionTheFormAndTheFix() {
        assertThatThrownBy(() -> StartPosition.parse("yesterday", CODEC, "mysql-bin.000003:1234"))
                .isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("startPosition='yesterday'")
                .hasMessageContaining("expected a whole number")
                .hasMessageContaining("mysql-bin.000003:1234");
    }
}
