package io.cameldblog.mongo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The order a resume strategy uses to refuse writing a position older than the stored one. */
class OplogPositionOrderTest {

    @Test
    void byTimestampThenOperationsDoneAndResumeTokensUnordered() {
        OplogPosition p = new OplogPosition(1_732_440_000, 5, 1);
        assertThat(p.compareToStored(new OplogPosition(1_732_440_000, 6, 0).toMap()).orElseThrow()).isNegative();
        assertThat(p.compareToStored(new OplogPosition(1_732_439_999, 9, 9).toMap()).orElseThrow()).isPositive();
        assertThat(p.compareToStored(new OplogPosition(1_732_440_000, 5, 0).toMap()).orElseThrow()).isPositive();
        assertThat(p.compareToStored(Map.of("token", "8263..."))).isEmpty();
        assertThat(new ResumeTokenPosition("8263...").compareToStored(Map.of("token", "8262..."))).isEmpty();
    }
}
