package io.cameldblog.mongo;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.MongoException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.consumer.ChangeEventSink;
import io.cameldblog.core.consumer.ChangeLogReader;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change stream ({@code watch()}) on a collection, a database or the whole deployment, resumed from the
 * stored resume token.
 */
final class ChangeStreamReader implements ChangeLogReader<MongoPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamReader.class);

    private final MongoOplogEndpoint endpoint;
    private final ChangeStreamEventMapper mapper;

    private MongoClient client;
    private ChangeStreamIterable<Document> stream;
    private volatile MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor;
    private volatile boolean closed;

    ChangeStreamReader(MongoOplogEndpoint endpoint) {
        this.endpoint = endpoint;
        this.mapper = new ChangeStreamEventMapper(endpoint.getName(), endpoint.getDatabase(), endpoint.getCollection());
    }

    @Override
    public void open(StartPosition<MongoPosition> start) throws Exception {
        client = endpoint.createClient();
        List<org.bson.conversions.Bson> pipeline = List.of(Aggregates.match(
                Filters.in("operationType", "insert", "update", "replace", "delete")));
        if (endpoint.getCollection() != null) {
            stream = client.getDatabase(endpoint.getDatabase()).getCollection(endpoint.getCollection()).watch(pipeline);
        } else if (endpoint.getDatabase() != null) {
            stream = client.getDatabase(endpoint.getDatabase()).watch(pipeline);
        } else {
            stream = client.watch(pipeline);
        }
        stream = stream.fullDocument(FullDocument.fromString(endpoint.getFullDocument()))
                .maxAwaitTime(1, TimeUnit.SECONDS);
        if (!"off".equals(endpoint.getFullDocumentBeforeChange())) {
            // only when asked: servers before 6.0 reject the field
            stream = stream.fullDocumentBeforeChange(
                    FullDocumentBeforeChange.fromString(endpoint.getFullDocumentBeforeChange()));
        }
        switch (start.kind()) {
            case LATEST -> {
            }
            case EARLIEST -> stream = stream.startAtOperationTime(new BsonTimestamp(1, 0));
            default -> {
                if (!(start.position() instanceof ResumeTokenPosition token)) {
                    throw new DbLogConfigurationException("The position " + start.position().text() + " of '"
                                                          + endpoint.getName() + "' is an oplog timestamp, but the"
                                                          + " endpoint reads a change stream.",
                            "use mode=oplog for this stream, or remove its stored position to start the change"
                                                                                               + " stream from startPosition.");
                }
                stream = stream.resumeAfter(token.toBson());
            }
        }
        try {
            // opening the cursor here checks the server and the token before the route counts as started
            cursor = stream.cursor();
        } catch (MongoException e) {
            close();
            throw openFailure(e, endpoint.getName(), start);
        }
        LOG.info("{} watches {} from {}", endpoint.getEndpointBaseUri(), describeTarget(), start);
    }

    /** What a failure to open the change stream means for the user: the server errors only a person can fix. */
    static Exception openFailure(MongoException e, String endpointName, StartPosition<MongoPosition> start) {
        if (e.getCode() == 40573 || e.getCode() == 136) {
            // ChangeStreamNotSupported (40573), or a stand-alone server refusing the stage
            return new DbLogConfigurationException("The MongoDB server does not offer change streams here ("
                                                   + e.getMessage() + "): it is not a replica set member.",
                    "start mongod with --replSet <name> and run rs.initiate(), or use mode=oplog.", e);
        }
        if (e.getCode() == 286 || e.getCode() == 280) {
            // ChangeStreamHistoryLost (286), ChangeStreamFatalError (280): the start is behind the oplog window
            String what = start.isRestored() ? "The stored resume token of '" + endpointName + "'"
                    : "The start (startPosition=" + start + ") of '" + endpointName + "'";
            return new PositionGoneException(what + " is no longer in the oplog (" + e.getMessage()
                                                   + "): the changes in between are gone.",
                    "re-sync the target, then start from startPosition=latest after removing the stored"
                                                                                     + " position; give the oplog more room (replSetResizeOplog) to avoid it.",
                    e);
        }
        return e;
    }

    private String describeTarget() {
        return endpoint.getCollection() != null ? endpoint.getDatabase() + "." + endpoint.getCollection()
                : endpoint.getDatabase() != null ? "database " + endpoint.getDatabase() : "the deployment";
    }

    @Override
    public void stream(ChangeEventSink<MongoPosition> sink) throws Exception {
        MongoChangeStreamCursor<ChangeStreamDocument<Document>> c = cursor;
        IdleProgress<MongoPosition> idle = new IdleProgress<>(sink);
        try {
            while (!closed) {
                ChangeStreamDocument<Document> change = c.tryNext();
                if (change == null) {
                    // an empty batch: the post-batch resume token says how far the server has looked, past
                    // changes of other collections and filtered ones; every change before it was handled
                    BsonDocument token = c.getResumeToken();
                    if (token != null && token.containsKey("_data")) {
                        idle.passed(ResumeTokenPosition.of(token));
                    }
                    idle.flush();
                    continue;
                }
                ChangeEvent event = mapper.toEvent(change);
                if (event != null && endpoint.getTableFilter().matches(event.source().qualifiedTable())) {
                    idle.emitted(ResumeTokenPosition.of(change.getResumeToken()));
                    sink.emit(event);
                } else if (change.getResumeToken() != null) {
                    idle.passed(ResumeTokenPosition.of(change.getResumeToken()));
                }
            }
        } catch (MongoException | IllegalStateException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        MongoChangeStreamCursor<ChangeStreamDocument<Document>> c = cursor;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the change stream failed", e);
            }
        }
        if (client != null) {
            client.close();
        }
    }
}
