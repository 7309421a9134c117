package io.cameldblog.mongo;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.PositionCodec;

/** Oplog positions as text ({@code seconds:increment}) and as the stored map ({@code ts}, {@code ops}). */
public final class OplogPositionCodec implements PositionCodec<OplogPosition> {

    public static final OplogPositionCodec INSTANCE = new OplogPositionCodec();

    private static final Pattern TS = Pattern.compile("(\\d+):(\\d+)");

    @Override
    public OplogPosition parse(String text) {
        Matcher m = TS.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("an oplog position is seconds:increment, e.g. 1732440000:1, not '"
                                               + text + "'");
        }
        return new OplogPosition(Integer.parseUnsignedInt(m.group(1)), Integer.parseUnsignedInt(m.group(2)), 0);
    }

    @Override
    public OplogPosition fromMap(Map<String, Object> stored) {
        Object ts = stored.get("ts");
        if (!(ts instanceof String text)) {
            throw new IllegalArgumentException("an oplog position needs 'ts' (seconds:increment): " + stored);
        }
        OplogPosition p = parse(text);
        Object ops = stored.getOrDefault("ops", 0);
        return new OplogPosition(p.seconds(), p.increment(), ops instanceof Number n ? n.intValue() : 0);
    }
}
