package io.cameldblog.postgres;

import java.util.Map;

import io.cameldblog.core.consumer.DbLogComponent;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;

/** The {@code pgwal:} component: PostgreSQL logical decoding as Camel exchanges. */
@Component("pgwal")
public class PgWalComponent extends DbLogComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgWalEndpoint endpoint = new PgWalEndpoint(uri, this);
        endpoint.setName(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
