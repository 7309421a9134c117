package io.cameldblog.postgres;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The order a resume strategy uses to refuse writing a position older than the stored one. */
class PgPositionOrderTest {

    @Test
    void byLsnThenRowsDoneAndUnorderedAgainstOtherSources() {
        PgPosition p = new PgPosition(Lsn.parse("0/16B3748"), 2);
        assertThat(p.compareToStored(new PgPosition(Lsn.parse("0/16B3750"), 0).toMap()).orElseThrow()).isNegative();
        assertThat(p.compareToStored(new PgPosition(Lsn.parse("0/16B3748"), 1).toMap()).orElseThrow()).isPositive();
        assertThat(p.compareToStored(p.toMap()).orElseThrow()).isZero();
        // LSNs are unsigned: the upper half still orders after the lower one
        assertThat(new PgPosition(Lsn.parse("FFFFFFFF/0"), 0).compareToStored(p.toMap()).orElseThrow()).isPositive();
        assertThat(p.compareToStored(Map.of("file", "mysql-bin.000001", "pos", 4))).isEmpty();
    }
}
