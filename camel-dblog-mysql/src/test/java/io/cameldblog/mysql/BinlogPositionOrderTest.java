package io.cameldblog.mysql;

import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The order a resume strategy uses to refuse writing a position older than the stored one. */
class BinlogPositionOrderTest {

    private static OptionalInt order(BinlogPosition position, BinlogPosition stored) {
        return position.compareToStored(stored.toMap());
    }

    private static int sign(BinlogPosition position, BinlogPosition stored) {
        return Integer.signum(order(position, stored).orElseThrow());
    }

    @Test
    void byFileNumberThenOffsetThenRowsDone() {
        BinlogPosition p = new BinlogPosition("mysql-bin.000009", 500, 3, null);
        assertThat(sign(p, new BinlogPosition("mysql-bin.000010", 4, 0, null))).isEqualTo(-1);
        assertThat(sign(p, new BinlogPosition("mysql-bin.000009", 499, 99, null))).isEqualTo(1);
        assertThat(sign(p, new BinlogPosition("mysql-bin.000009", 500, 4, null))).isEqualTo(-1);
        assertThat(sign(p, new BinlogPosition("mysql-bin.000009", 500, 3, "0-1-5"))).isZero();
        // numbering past six digits still orders by number, not by text
        assertThat(sign(new BinlogPosition("mysql-bin.1000000", 4, 0, null),
                new BinlogPosition("mysql-bin.999999", 4, 0, null))).isEqualTo(1);
    }

    @Test
    void otherBinlogNamesAndOtherSourcesCannotBeOrdered() {
        BinlogPosition p = BinlogPosition.of("mysql-bin.000009", 500);
        assertThat(order(p, BinlogPosition.of("other-bin.000010", 4))).isEmpty();
        assertThat(p.compareToStored(Map.of("lsn", "0/16B3748", "rows", 0))).isEmpty();
    }
}
