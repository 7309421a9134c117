package io.cameldblog.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveredTransactionsTest {

    @Test
    void aTransactionIsInvisibleWhenRunningOrNotYetStartedForTheSnapshot() {
        DeliveredTransactions delivered = new DeliveredTransactions();
        delivered.add(100);
        delivered.add(105);
        assertThat(delivered.invisibleIn("90:110:")).isEqualTo(-1);
        assertThat(delivered.invisibleIn("90:110:95,105")).isEqualTo(105);
        assertThat(delivered.invisibleIn("90:105:")).isEqualTo(105);
        assertThat(delivered.invisibleIn("106:107:")).isEqualTo(-1);
    }

    @Test
    void thirtyTwoBitIdsAreWidenedAcrossTheEpoch() {
        long epoch = 3L << 32;
        DeliveredTransactions delivered = new DeliveredTransactions();
        delivered.add(0xFFFF_FFF0L); // the epoch before
        delivered.add(5); // this epoch
        assertThat(delivered.invisibleIn((epoch - 0x20) + ":" + (epoch + 10) + ":")).isEqualTo(-1);
        assertThat(delivered.invisibleIn((epoch - 0x20) + ":" + (epoch + 10) + ":" + (epoch - 0x10))).isEqualTo(0xFFFF_FFF0L);
        assertThat(delivered.invisibleIn((epoch - 0x20) + ":" + (epoch + 5) + ":")).isEqualTo(5);
        assertThat(DeliveredTransactions.widen(5, epoch - 3)).isEqualTo(epoch + 5);
    }

    @Test
    void onlyTheNewestIdsAreKept() {
        DeliveredTransactions delivered = new DeliveredTransactions();
        delivered.add(1);
        for (int i = 0; i < DeliveredTransactions.CAPACITY; i++) {
            delivered.add(1000 + i);
        }
        assertThat(delivered.invisibleIn("0:10000:1")).as("1 fell out").isEqualTo(-1);
        assertThat(delivered.invisibleIn("0:10000:1000")).isEqualTo(1000);
    }
}
