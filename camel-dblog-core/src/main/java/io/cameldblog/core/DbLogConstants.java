package io.cameldblog.core;

import org.apache.camel.spi.Metadata;

/**
 * The headers every camel-dblog consumer sets, the same on every endpoint, so one route can filter and route
 * events from any source.
 */
public final class DbLogConstants {

    @Metadata(description = "The source kind: mysql, postgres or mongodb", javaType = "String")
    public static final String SOURCE = "CamelDbLogSource";
    @Metadata(description = "The database the change happened in", javaType = "String")
    public static final String DATABASE = "CamelDbLogDatabase";
    @Metadata(description = "The table or collection (schema-qualified for PostgreSQL: public.orders)",
              javaType = "String")
    public static final String TABLE = "CamelDbLogTable";
    @Metadata(description = "INSERT, UPDATE, DELETE, READ or TRUNCATE", javaType = "String")
    public static final String OPERATION = "CamelDbLogOperation";
    @Metadata(description = "The event's position in the source's text form (binlog file:pos or GTID set, LSN,"
                            + " oplog timestamp or resume token)",
              javaType = "String")
    public static final String POSITION = "CamelDbLogPosition";
    @Metadata(description = "Commit time at the source, epoch milliseconds", javaType = "long")
    public static final String TIMESTAMP = "CamelDbLogTimestamp";
    @Metadata(description = "The primary key as a Map (_id for MongoDB)", javaType = "java.util.Map")
    public static final String KEY = "CamelDbLogKey";

    private DbLogConstants() {
    }
}
