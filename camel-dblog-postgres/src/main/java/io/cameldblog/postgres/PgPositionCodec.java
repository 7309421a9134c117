package io.cameldblog.postgres;

import java.util.Map;

import io.cameldblog.core.PositionCodec;

/** Reads {@link PgPosition}s back from a resume strategy's map or from the LSN a user writes. */
public final class PgPositionCodec implements PositionCodec<PgPosition> {

    public static final PgPositionCodec INSTANCE = new PgPositionCodec();

    @Override
    public PgPosition fromMap(Map<String, Object> stored) {
        Object lsn = stored.get("lsn");
        if (!(lsn instanceof String text)) {
            throw new IllegalArgumentException("no 'lsn' text in " + stored);
        }
        Object rows = stored.getOrDefault("rows", 0);
        if (!(rows instanceof Number n)) {
            throw new IllegalArgumentException("'rows' is not a number in " + stored);
        }
        return new PgPosition(Lsn.parse(text), n.longValue());
    }

    @Override
    public PgPosition parse(String text) {
        return PgPosition.at(Lsn.parse(text));
    }
}
