package io.cameldblog.postgres;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

    @Test
    void printsWhatPostgreSqlPrints() {
        assertThat(Lsn.format(0)).isEqualTo("0/0");
        assertThat(Lsn.format(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(Lsn.format(0x16_B374D848L)).isEqualTo("16/B374D848");
        assertThat(Lsn.format(0x1_00000000L)).isEqualTo("1/0");
        assertThat(Lsn.format(-1L)).isEqualTo("FFFFFFFF/FFFFFFFF");
    }

    @Test
    void readsBackWhatItPrints() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 10_000; i++) {
            long lsn = random.nextLong() >>> random.nextInt(64);
            String text = Lsn.format(lsn);
            assertThat(text).isEqualTo(Long.toHexString(lsn >>> 32).toUpperCase() + "/"
                                       + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase());
            assertThat(Lsn.parse(text)).isEqualTo(lsn);
        }
    }

    @Test
    void refusesTextThatIsNoLsn() {
        assertThatThrownBy(() -> Lsn.parse("16B3748")).hasMessageContaining("like 0/16B3748");
    }
}
