package io.cameldblog.mysql;

import java.util.Map;

import io.cameldblog.core.consumer.DbLogComponent;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;

/**
 * The {@code mysqlbinlog:} component: reads a MySQL or MariaDB binary log as a replica does.
 */
@Component("mysqlbinlog")
public class MysqlBinlogComponent extends DbLogComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MysqlBinlogEndpoint endpoint = new MysqlBinlogEndpoint(uri, this);
        endpoint.setName(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
