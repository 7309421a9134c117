package io.cameldblog.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventTest {

    private static final SourceInfo SOURCE = SourceInfo.builder().connector("mysql").name("shop").table("orders")
            .build();

    @Test
    void rowMapsAreCopiedUnlessTheSourceHandsThemOver() {
        Map<String, Object> after = new LinkedHashMap<>(Map.of("id", 1));
        ChangeEvent copied = ChangeEvent.builder().op(Operation.INSERT).after(after).key(after).source(SOURCE).build();
        ChangeEvent owned = ChangeEvent.builder().ownMaps().op(Operation.INSERT).after(new LinkedHashMap<>(after))
                .key(new LinkedHashMap<>(after)).source(SOURCE).build();
        after.put("id", 2);

        assertThat(copied.after()).as("the caller's later change is not seen").containsEntry("id", 1);
        assertThat(copied.key()).containsEntry("id", 1);
        assertThat(owned.after()).isEqualTo(Map.of("id", 1));
        assertThat(owned.key()).isEqualTo(Map.of("id", 1));
        assertThatThrownBy(() -> owned.after().put("id", 3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> owned.key().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
