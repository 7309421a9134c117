package io.cameldblog.postgres;

import io.cameldblog.core.consumer.DbLogConsumer;
import org.apache.camel.Processor;

/** The generic consumer, plus dropping the slot on stop when {@code dropSlotOnStop=true}. */
public class PgWalConsumer extends DbLogConsumer<PgPosition> {

    private final PgWalEndpoint endpoint;

    public PgWalConsumer(PgWalEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (endpoint.isDropSlotOnStop()) {
            ReplicationSlot.drop(endpoint);
        }
    }
}
