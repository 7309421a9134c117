package io.cameldblog.core.consumer;

import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.resume.PositionResumable;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.resume.Resumable;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers put in one go are the ones setHeader put one by one, in Camel's own header map. */
class ChangeEventHeadersTest {

    private static final LogPosition POSITION = new LogPosition() {
        @Override
        public String text() {
            return "f:7";
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("pos", 7);
        }
    };

    private final CamelContext context = started();

    /** Started: before that a message has no header map factory and makes a plain HashMap. */
    private static CamelContext started() {
        CamelContext context = new DefaultCamelContext();
        context.start();
        return context;
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private static ChangeEvent event(LogPosition position) {
        return ChangeEvent.builder().op(Operation.UPDATE).after(Map.of("id", 1)).key(Map.of("id", 1)).tsMs(5L)
                .source(SourceInfo.builder().connector("postgres").name("bills").db("billing").schema("public")
                        .table("invoices").tsMs(4L).position("0/16B3748").build())
                .position(position).build();
    }

    @Test
    void theSameNamesAndValuesAsOneSetHeaderEach() {
        ChangeEvent event = event(POSITION);
        Resumable offset = new PositionResumable(PositionResumable.key("bills"), POSITION);
        Message oneByOne = new DefaultMessage(context);
        oneByOne.setHeader(DbLogConstants.SOURCE, "postgres");
        oneByOne.setHeader(DbLogConstants.DATABASE, "billing");
        oneByOne.setHeader(DbLogConstants.TABLE, "public.invoices");
        oneByOne.setHeader(DbLogConstants.OPERATION, "UPDATE");
        oneByOne.setHeader(DbLogConstants.POSITION, "0/16B3748");
        oneByOne.setHeader(DbLogConstants.TIMESTAMP, 4L);
        oneByOne.setHeader(DbLogConstants.KEY, Map.of("id", 1));
        oneByOne.setHeader(Exchange.OFFSET, offset);

        Message inOneGo = new DefaultMessage(context);
        inOneGo.getHeaders().putAll(new ChangeEventHeaders(event, offset));

        assertThat(inOneGo.getHeaders()).isEqualTo(oneByOne.getHeaders()).hasSize(8);
        assertThat(inOneGo.getHeaders()).isInstanceOf(org.apache.camel.util.CaseInsensitiveMap.class);
        assertThat(inOneGo.getHeaders().getClass()).isEqualTo(oneByOne.getHeaders().getClass());
        assertThat(inOneGo.getHeaders().keySet()).containsExactlyElementsOf(oneByOne.getHeaders().keySet());
        // Camel's header names are case-insensitive, also after a putAll
        assertThat(inOneGo.getHeader("camelDbLogTable")).isEqualTo("public.invoices");
        assertThat(inOneGo.getHeader("CAMELOFFSET")).isSameAs(offset);
        inOneGo.setHeader("camelDbLogOperation", "DELETE");
        assertThat(inOneGo.getHeaders()).hasSize(8).containsEntry(DbLogConstants.OPERATION, "DELETE");
    }

    @Test
    void withoutAPositionNoOffsetAndNullValuesStayAsSetHeaderLeavesThem() {
        ChangeEvent event = ChangeEvent.builder().op(Operation.TRUNCATE).tsMs(5L)
                .source(SourceInfo.builder().connector("mysql").name("shop").table("orders").tsMs(4L).build())
                .build();
        Message inOneGo = new DefaultMessage(context);
        inOneGo.getHeaders().putAll(new ChangeEventHeaders(event, null));

        assertThat(inOneGo.getHeaders()).hasSize(7).doesNotContainKey(Exchange.OFFSET)
                .containsEntry(DbLogConstants.KEY, event.key()).containsEntry(DbLogConstants.DATABASE, null)
                .containsEntry(DbLogConstants.OPERATION, "TRUNCATE");
        ChangeEventHeaders headers = new ChangeEventHeaders(event, null);
        assertThat(headers.firstKey()).isEqualTo(DbLogConstants.DATABASE);
        assertThat(headers.lastKey()).isEqualTo(DbLogConstants.TIMESTAMP);
        assertThat(headers.headMap(DbLogConstants.OPERATION)).containsOnlyKeys(DbLogConstants.DATABASE,
                DbLogConstants.KEY);
    }

    @Test
    void anotherHeaderMapTakesThemOneByOne() {
        Message message = new DefaultMessage(context);
        message.setHeader("Existing", "kept");
        message.getHeaders().putAll(new ChangeEventHeaders(event(POSITION), null));
        assertThat(message.getHeaders()).hasSize(8).containsEntry("existing", "kept")
                .containsEntry(DbLogConstants.SOURCE, "postgres");
    }
}
