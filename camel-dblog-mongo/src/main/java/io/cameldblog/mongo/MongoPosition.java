package io.cameldblog.mongo;

import io.cameldblog.core.LogPosition;

/** A place in a MongoDB change log: an oplog timestamp, or a change stream's resume token. */
public sealed interface MongoPosition extends LogPosition permits OplogPosition, ResumeTokenPosition {
}
