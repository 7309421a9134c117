package io.cameldblog.mongo;

import java.util.Map;

import io.cameldblog.core.consumer.DbLogComponent;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;

/** The {@code mongooplog:} component: follows a MongoDB replica set's oplog as a secondary does. */
@Component("mongooplog")
public class MongoOplogComponent extends DbLogComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MongoOplogEndpoint endpoint = new MongoOplogEndpoint(uri, this);
        endpoint.setName(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
