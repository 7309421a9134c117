package io.cameldblog.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableFilterTest {

    @Test
    void includeAndExcludeMatchTheWholeQualifiedName() {
        TableFilter f = TableFilter.of("shop\\.order.*, shop\\.customers", "shop\\.order_audit");

        assertThat(f.matches("shop.orders")).isTrue();
        assertThat(f.matches("shop.order_lines")).isTrue();
        assertThat(f.matches("shop.customers")).isTrue();
        assertThat(f.matches("shop.order_audit")).isFalse();
        assertThat(f.matches("other.orders")).isFalse();
        // a partial match is not a match: the pattern names the whole table
        assertThat(f.matches("shop.customers_old")).isFalse();
    }

    @Test
    void noPatternsMeansEverything() {
        TableFilter f = TableFilter.of(null, " ");

        assertThat(f.isAll()).isTrue();
        assertThat(f.matches("any.thing")).isTrue();
    }

    @Test
    void excludeOnly() {
        assertThat(TableFilter.of("", "shop\\.secret.*").matches("shop.secrets")).isFalse();
        assertThat(TableFilter.of("", "shop\\.secret.*").matches("shop.orders")).isTrue();
    }

    @Test
    void badPatternNamesTheOptionAndTheFix() {
        assertThatThrownBy(() -> TableFilter.of("shop.(orders", null))
                .isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("includeTables")
                .hasMessageContaining("shop.(orders")
                .hasMessageContaining("Fix:");
    }

    @Test
    void schemaAndTableAskedTwiceAnswerAsTheQualifiedNameDoes() {
        TableFilter f = TableFilter.of("shop\\.order.*", "shop\\.order_audit");
        for (int round = 0; round < 2; round++) { // the second round answers from what the first remembered
            assertThat(f.matches("shop", "orders")).isTrue();
            assertThat(f.matches("shop", "order_audit")).isFalse();
            assertThat(f.matches("other", "orders")).isFalse();
            assertThat(f.matches("shop", "customers")).isFalse();
        }
    }
}
