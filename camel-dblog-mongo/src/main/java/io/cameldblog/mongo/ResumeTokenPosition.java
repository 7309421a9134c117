package io.cameldblog.mongo;

import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonString;

/** A change stream's place: the resume token of the last processed change ({@code _data}, as the server gave it). */
public record ResumeTokenPosition(String token) implements MongoPosition {

    public ResumeTokenPosition {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a resume token must not be empty");
        }
    }

    static ResumeTokenPosition of(BsonDocument resumeToken) {
        return new ResumeTokenPosition(resumeToken.getString("_data").getValue());
    }

    BsonDocument toBson() {
        return new BsonDocument("_data", new BsonString(token));
    }

    @Override
    public String text() {
        return token;
    }

    @Override
    public Map<String, Object> toMap() {
        return Map.of("token", token);
    }
}
