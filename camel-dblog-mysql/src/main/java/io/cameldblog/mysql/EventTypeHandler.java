package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;

/** What the reader does with one type of binlog event. */
@FunctionalInterface
interface EventTypeHandler {

    void handle(Event event, EventAddress at) throws Exception;
}
