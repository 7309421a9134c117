package io.cameldblog.postgres;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast reading of PostgreSQL's timestamp text gives what the general parser gives, or leaves it to it. */
class PgTimestampTextTest {

    @Test
    void timestampsOfEveryFractionLengthAndOffsetForm() {
        assertThat(PgTimestampText.local("2024-05-06 07:08:09")).isEqualTo(LocalDateTime.of(2024, 5, 6, 7, 8, 9));
        assertThat(PgTimestampText.local("2024-05-06 07:08:09.1")).isEqualTo(LocalDateTime.of(2024, 5, 6, 7, 8, 9,
                100_000_000));
        assertThat(PgTimestampText.local("0001-01-01 00:00:00.000001"))
                .isEqualTo(LocalDateTime.of(1, 1, 1, 0, 0, 0, 1000));
        assertThat(PgTimestampText.utc("2024-05-06 07:08:09.123456+02"))
                .isEqualTo(OffsetDateTime.of(2024, 5, 6, 5, 8, 9, 123_456_000, ZoneOffset.UTC));
        assertThat(PgTimestampText.utc("2024-05-06 07:08:09-03:30"))
                .isEqualTo(OffsetDateTime.of(2024, 5, 6, 10, 38, 9, 0, ZoneOffset.UTC));
        assertThat(PgTimestampText.utc("1890-01-01 00:00:00+00:53:28"))
                .isEqualTo(OffsetDateTime.of(1889, 12, 31, 23, 6, 32, 0, ZoneOffset.UTC));
    }

    @Test
    void formsItDoesNotReadAreLeftToTheGeneralParser() {
        assertThat(PgTimestampText.local("12345-01-01 00:00:00")).isNull();
        assertThat(PgTimestampText.local("2024-05-06 07:08:09 BC")).isNull();
        assertThat(PgTimestampText.utc("2024-05-06 07:08:09+02 BC")).isNull();
        assertThat(PgTimestampText.utc("2024-05-06 07:08:09")).isNull();
    }

    @Test
    void randomTimestampsReadAsTheGeneralParserReadsThem() {
        Random random = new Random(11);
        DateTimeFormatter pg = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime t = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12),
                    1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60));
            int digits = random.nextInt(7);
            String fraction = "";
            if (digits > 0) {
                fraction = "." + String.format("%06d", random.nextInt(1_000_000)).substring(0, digits);
            }
            String text = t.format(pg) + fraction;
            assertThat(PgTimestampText.local(text)).isEqualTo(LocalDateTime.parse(text.replace(' ', 'T')));
            int offsetMinutes = (random.nextInt(27) - 13) * 60 + (random.nextBoolean() ? 30 : 0);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
            String id = offset.getId().equals("Z") ? "+00" : offset.getId().replace(":00", "");
            String tz = text + (id.length() == 3 ? id : offset.getId());
            assertThat(PgTimestampText.utc(tz)).as(tz)
                    .isEqualTo(OffsetDateTime.of(LocalDateTime.parse(text.replace(' ', 'T')), offset)
                            .withOffsetSameInstant(ZoneOffset.UTC));
        }
    }
}
